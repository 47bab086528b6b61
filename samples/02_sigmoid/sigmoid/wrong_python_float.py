"""Wrong: stable values, but a scalar input returns a Python float instead of a NumPy float64 scalar."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0, e) / (1.0 + e)
    if s.ndim == 0:
        return float(s)
    return s
