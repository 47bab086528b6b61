"""Wrong: uses @ on the inputs as given, so Python lists fail and integer inputs give integers."""
import numpy as np


def predict(X, theta):
    return X @ theta
