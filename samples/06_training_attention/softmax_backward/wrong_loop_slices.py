"""Wrong: right values, but a Python loop handles one slice along the axis at a time."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.moveaxis(np.asarray(s, dtype=float), axis, -1)
    g = np.moveaxis(np.asarray(grad_s, dtype=float), axis, -1)
    out = np.empty_like(s)
    for index in np.ndindex(*s.shape[:-1]):
        out[index] = s[index] * (g[index] - s[index] @ g[index])
    return np.moveaxis(out, -1, axis)
