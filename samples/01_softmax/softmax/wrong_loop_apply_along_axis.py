"""Wrong: right values, but np.apply_along_axis calls a 1-D softmax once per slice: a Python loop over the batch."""
import numpy as np


def _softmax_1d(v):
    e = np.exp(v - np.max(v))
    return e / np.sum(e)


def softmax(x, axis=-1):
    return np.apply_along_axis(_softmax_1d, axis, np.asarray(x, dtype=float))
