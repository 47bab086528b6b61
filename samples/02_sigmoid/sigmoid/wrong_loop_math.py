"""Wrong: right and stable values, but a Python loop computes one element at a time with math.exp."""
import math

import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        e = math.exp(-abs(z[index]))  # 在(0, 1]内 / in (0, 1]
        out[index] = (1.0 if z[index] >= 0 else e) / (1.0 + e)
    return out[()] if out.ndim == 0 else out
