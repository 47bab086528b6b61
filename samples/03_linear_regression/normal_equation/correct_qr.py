"""Correct: a QR factorisation X = QR, then solve Rθ = Qᵀy."""
import numpy as np


def normal_equation(X, y):
    """X = QR，解Rθ = Qᵀy / X = QR, solve Rθ = Qᵀy."""
    Q, R = np.linalg.qr(np.asarray(X, dtype=float))
    return np.linalg.solve(R, Q.T @ np.asarray(y, dtype=float).reshape(-1))
