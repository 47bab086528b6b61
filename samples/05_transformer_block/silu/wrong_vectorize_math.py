"""Wrong: right values, but np.vectorize calls a Python function once per element (a loop in disguise)."""
import math

import numpy as np


def _silu_one(v):
    if v >= 0:
        return v / (1.0 + math.exp(-v))
    e = math.exp(v)
    return v * e / (1.0 + e)


def silu(x):
    return np.vectorize(_silu_one, otypes=[np.float64])(np.asarray(x, dtype=np.float64))[()]
