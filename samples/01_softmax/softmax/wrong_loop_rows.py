"""Wrong: right values, but a Python loop over every slice along `axis` (np.ndindex), one small softmax at a time."""
import numpy as np


def softmax(x, axis=-1):
    x = np.moveaxis(np.array(x, dtype=float), axis, -1)
    out = np.empty_like(x)
    for index in np.ndindex(*x.shape[:-1]):
        e = np.exp(x[index] - x[index].max())
        out[index] = e / e.sum()
    return np.moveaxis(out, -1, axis)
