"""Wrong: right values, but np.vectorize(math.exp) calls math.exp once per element: a loop in disguise,
with no Python step per element to show it (math.exp is written in C), so the vectorisation check watches np.vectorize."""
import math

import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.vectorize(math.exp, otypes=[float])(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
