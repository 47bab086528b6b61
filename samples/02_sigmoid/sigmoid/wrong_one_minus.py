"""Wrong: uses the symmetry as 1 - sigmoid(-z) for z < 0; no overflow, but the subtraction cancels small values to 0."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    s = 1.0 / (1.0 + np.exp(-np.abs(z)))  # sigmoid(|z|)
    return np.where(z >= 0, s, 1.0 - s)
