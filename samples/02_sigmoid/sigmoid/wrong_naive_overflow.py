"""Wrong: the formula as written, 1 / (1 + np.exp(-z)), which overflows with a RuntimeWarning for very negative z."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return 1 / (1 + np.exp(-z))
