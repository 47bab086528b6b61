"""Correct: a float64 output array filled through boolean masks, each branch computed only where it is safe."""
import numpy as np


def sigmoid(z):
    """按符号分别计算 / compute each sign separately."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)  # z已是float64，所以out也是 / z is float64 already, so out is too
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out
