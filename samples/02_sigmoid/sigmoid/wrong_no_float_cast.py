"""Wrong: np.asarray(z) without dtype=np.float64: fine for int64, but -np.abs wraps around for unsigned integers (uint8 1 gives 255) and int8 input gives float16 out."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)
