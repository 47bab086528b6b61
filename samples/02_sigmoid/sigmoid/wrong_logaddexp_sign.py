"""Wrong: np.exp(-np.logaddexp(0, z)) has the sign of z flipped inside logaddexp: it computes sigmoid(-z)."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, z))
