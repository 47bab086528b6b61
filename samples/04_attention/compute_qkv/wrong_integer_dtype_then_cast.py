"""Wrong: multiplies in the inputs' own integer dtype and casts only the results to float64: int8 products and sums
wrap around, so X = [[100, -60]] with W_q = [[2, 1], [0, 3]] (int8) gives Q = [[-56, -80]] instead of [[200, -80]]."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X)
    return tuple((X @ np.asarray(W)).astype(np.float64) for W in (W_q, W_k, W_v))
