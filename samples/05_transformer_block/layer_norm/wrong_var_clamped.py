"""Wrong: clamps the variance from below with max(var, eps) instead of adding eps."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(np.maximum(var, eps)) * gamma + beta
