"""Wrong: np.where over two unsafe branches; the values are right but both branches are computed, so exp overflows."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
