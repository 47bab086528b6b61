"""Wrong: right values, but np.apply_along_axis calls a 1-D log-softmax once per slice: a Python loop over the batch."""
import numpy as np


def _log_softmax_1d(v):
    m = np.max(v)
    return v - (m + np.log(np.sum(np.exp(v - m))))


def log_softmax(x, axis=-1):
    return np.apply_along_axis(_log_softmax_1d, axis, np.asarray(x, dtype=float))
