"""Wrong: right values, but a Python loop normalises one token (row) at a time."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for index in np.ndindex(*x.shape[:-1]):
        row = x[index]
        mean = row.mean()
        var = ((row - mean) ** 2).mean()
        out[index] = (row - mean) / np.sqrt(var + eps) * gamma + beta
    return out
