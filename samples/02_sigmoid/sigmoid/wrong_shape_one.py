"""Wrong: np.atleast_1d makes a scalar input come back as an array of shape (1,)."""
import numpy as np


def sigmoid(z):
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)
