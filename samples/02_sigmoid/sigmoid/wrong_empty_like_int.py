"""Wrong: the output is prepared with np.empty_like(z), so integer input gives an integer array truncated to 0 or 1."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out
