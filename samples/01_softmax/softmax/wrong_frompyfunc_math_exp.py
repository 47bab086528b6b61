"""Wrong: right values, but np.frompyfunc(math.exp, 1, 1) calls math.exp once per element: a loop in disguise, with
no Python step per element to show it (math.exp is written in C), so the vectorisation check watches np.frompyfunc."""
import math

import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.frompyfunc(math.exp, 1, 1)(x - x.max(axis=axis, keepdims=True)).astype(float)
    return e / e.sum(axis=axis, keepdims=True)
