"""Correct: the Cholesky factorisation XᵀX = LLᵀ, then two triangular solves."""
import numpy as np


def normal_equation(X, y):
    """XᵀX = LLᵀ，先解Lz = Xᵀy，再解Lᵀθ = z / XᵀX = LLᵀ, solve Lz = Xᵀy, then Lᵀθ = z."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    L = np.linalg.cholesky(X.T @ X)
    z = np.linalg.solve(L, X.T @ y)
    return np.linalg.solve(L.T, z)
