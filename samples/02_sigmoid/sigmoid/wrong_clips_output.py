"""Wrong: clips the result to [1e-15, 1 - 1e-15] so that a later log never sees 0: sigmoid(-1000) becomes 1e-15."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return np.clip(s, 1e-15, 1 - 1e-15)  # 避免之后log(0) / avoid log(0) later
