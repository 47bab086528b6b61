"""Correct: np.einsum for both products, y flattened with ravel."""
import numpy as np


def mse_gradient(X, y, theta):
    """∇J = Xᵀ(Xθ - y) / m，用einsum / with einsum."""
    X = np.asarray(X, dtype=float)
    residual = np.einsum("ij,j->i", X, np.asarray(theta, dtype=float)) - np.ravel(y)
    return np.einsum("ij,i->j", X, residual) / X.shape[0]
