"""Wrong: the formula θ = (XᵀX)⁻¹Xᵀy typed as it stands, with an explicit inverse. Its values pass on the
tests' well-conditioned inputs, but exercise 5 asks for no inverse: solve does less work, and its θ usually
leaves a smaller residual (section 9)."""
import numpy as np


def normal_equation(X, y):
    """θ = (XᵀX)⁻¹Xᵀy，显式求逆 / with an explicit inverse."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    return np.linalg.inv(X.T @ X) @ X.T @ y
