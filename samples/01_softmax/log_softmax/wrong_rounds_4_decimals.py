"""Wrong: rounds the result to 4 decimals inside the function (the notes' softmax does not round; their sigmoid and linear regression did)."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=axis, keepdims=True)
    return np.round(shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)), 4)
