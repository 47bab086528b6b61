"""Wrong: mean and variance without keepdims, put back with [:, None]: right only for 2-D input."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1)[:, None]
    var = x.var(axis=-1)[:, None]
    return (x - mean) / np.sqrt(var + eps) * gamma + beta
