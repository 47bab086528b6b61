"""Wrong: rounds the result to 4 decimals inside the function (the notes' softmax does not round; their sigmoid and linear regression did)."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return np.round(e / e.sum(axis=axis, keepdims=True), 4)
