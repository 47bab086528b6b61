"""Wrong: e / (1 + e ** 2) squares only e instead of (1 + e): a misplaced parenthesis, sigma'(0) gives 0.5."""
import numpy as np


def sigmoid_derivative(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e ** 2)
