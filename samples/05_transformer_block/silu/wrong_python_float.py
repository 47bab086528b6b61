"""Wrong: a scalar input returns a Python float instead of a NumPy scalar."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    out = x * np.where(x >= 0, 1.0, e) / (1.0 + e)
    return float(out) if out.ndim == 0 else out
