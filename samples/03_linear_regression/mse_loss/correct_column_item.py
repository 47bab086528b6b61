"""Correct: column vectors as in the notes, e.T @ e is (1, 1), and .item() takes the number out of it."""
import numpy as np


def mse_loss(X, y, theta):
    """列向量，再用.item()取出那个数 / column vectors, then .item() takes the number."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    e = X @ np.asarray(theta, dtype=float).reshape(-1, 1) - y
    return (e.T @ e).item() / (2 * len(y))
