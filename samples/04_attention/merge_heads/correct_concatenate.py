"""Correct: concatenate the heads along the feature axis."""
import numpy as np


def merge_heads(X):
    X = np.asarray(X, dtype=float)
    return np.concatenate(np.moveaxis(X, -3, 0), axis=-1)
