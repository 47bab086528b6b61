"""Correct: einsum for both layers."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    hidden = np.maximum(0.0, np.einsum("...d,df->...f", np.asarray(x, dtype=float), W1) + b1)
    return np.einsum("...f,fd->...d", hidden, W2) + b2
