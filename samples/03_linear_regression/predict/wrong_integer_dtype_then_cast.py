"""Wrong: multiplies in the inputs' own integer dtype and casts only the result to float64: int8 products and sums
wrap around, so X = [[1, 100, 50]] with θ = [1, 2, 3] (int8) gives 95 instead of 351."""
import numpy as np


def predict(X, theta):
    return (np.asarray(X) @ np.asarray(theta)).astype(np.float64)
