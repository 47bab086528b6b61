"""Wrong: computes in float32, so the result is not float64 and loses precision."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, np.float32(1.0), e) / (np.float32(1.0) + e)
