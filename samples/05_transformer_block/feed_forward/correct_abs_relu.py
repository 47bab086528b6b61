"""Correct: the ReLU written as (z + |z|) / 2, which is z for z > 0 and 0 otherwise."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    z = np.asarray(x, dtype=float) @ W1 + b1
    return ((z + np.abs(z)) / 2) @ W2 + b2
