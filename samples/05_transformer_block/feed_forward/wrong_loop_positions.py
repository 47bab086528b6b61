"""Wrong: right values, but a Python loop applies the network to one position at a time."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    out = np.empty(x.shape[:-1] + (np.shape(W2)[1],))
    for index in np.ndindex(*x.shape[:-1]):
        out[index] = np.maximum(0, x[index] @ W1 + b1) @ W2 + b2
    return out
