"""Wrong: sums X * θ over axis 0 (the samples) instead of axis 1, giving shape (n,)."""
import numpy as np


def predict(X, theta):
    X = np.asarray(X, dtype=float)
    return (X * np.asarray(theta, dtype=float)).sum(axis=0)
