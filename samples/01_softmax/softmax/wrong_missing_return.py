"""Wrong: computes the result but forgets to return it (returns None)."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e / e.sum(axis=axis, keepdims=True)
