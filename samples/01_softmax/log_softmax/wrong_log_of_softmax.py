"""Wrong: takes np.log of a (stable) softmax, which gives -inf when a probability underflows to 0."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return np.log(e / e.sum(axis=axis, keepdims=True))
