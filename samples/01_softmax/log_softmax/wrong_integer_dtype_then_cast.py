"""Wrong: computes in the input's own integer dtype and casts only the result to float64: uint8 [0, 1] gives
[-inf, -inf] (x - max wraps around)."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x)
    z = x - x.max(axis=axis, keepdims=True)
    return (z - np.log(np.exp(z).sum(axis=axis, keepdims=True))).astype(np.float64)
