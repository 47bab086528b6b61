"""Wrong: np.log(sum + 1e-8) "to avoid log(0)"; the sum is at least 1 after the max shift, and the eps shifts every value by up to 1e-8."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True) + 1e-8)
