"""Wrong: uses e = exp(-|z|) but keeps 1 / (1 + e) for every z, forgetting the z < 0 case: sigmoid(-2) gives sigmoid(2)."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # 不会上溢 / never overflows
    return 1.0 / (1.0 + e)
