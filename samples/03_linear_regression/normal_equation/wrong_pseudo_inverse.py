"""Wrong: θ = X⁺y with the pseudo-inverse formed explicitly. As accurate as lstsq, but it builds the
(n, m) matrix X⁺ first: an explicit inverse, which exercise 5 asks you not to form."""
import numpy as np


def normal_equation(X, y):
    """θ = pinv(X) @ y"""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return np.linalg.pinv(X) @ y
