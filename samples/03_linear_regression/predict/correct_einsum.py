"""Correct: np.einsum over the feature axis."""
import numpy as np


def predict(X, theta):
    """ŷ_i = Σ_j X_ij θ_j。/ ŷ_i = Σ_j X_ij θ_j."""
    return np.einsum("ij,j->i", np.asarray(X, dtype=float), np.asarray(theta, dtype=float))
