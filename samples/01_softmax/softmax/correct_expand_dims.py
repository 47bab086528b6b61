"""Correct: max and sum without keepdims, the axis restored with np.expand_dims before broadcasting."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.expand_dims(np.max(x, axis=axis), axis))
    return e / np.expand_dims(np.sum(e, axis=axis), axis)
