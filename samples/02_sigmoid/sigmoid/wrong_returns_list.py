"""Wrong: stable values, but converted with .tolist(): a list for arrays and a Python float for scalars."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return (np.where(z >= 0, 1.0, e) / (1.0 + e)).tolist()
