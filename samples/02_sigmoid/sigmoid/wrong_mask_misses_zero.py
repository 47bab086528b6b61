"""Wrong: fills a zero array where z > 0 and where z < 0, forgetting z == 0 (and -0.0): sigmoid(0) gives 0 instead of 0.5."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.zeros(z.shape)
    pos, neg = z > 0, z < 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[neg])
    out[neg] = ez / (1.0 + ez)
    return out[()] if out.ndim == 0 else out
