"""Wrong: computes in the input's own integer dtype and casts only the result to float64: uint8 [0, 1, 2] gives
[0.5, 0, 0] (-|z| wraps around), int8 computes exp in float16."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return (np.where(z >= 0, 1.0, e) / (1.0 + e)).astype(np.float64)
