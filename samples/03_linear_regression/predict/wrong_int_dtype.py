"""Wrong: converts with np.asarray but keeps the input dtype, so integer inputs give an integer result."""
import numpy as np


def predict(X, theta):
    return np.asarray(X) @ np.asarray(theta)
