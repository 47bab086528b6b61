"""Wrong: right and stable values, but np.vectorize of the lesson's one-number reference still calls Python once per element."""
import math

import numpy as np


def _sigmoid_one(v):
    e = math.exp(-abs(v))
    return (1.0 if v >= 0 else e) / (1.0 + e)


def sigmoid(z):
    return np.vectorize(_sigmoid_one, otypes=[np.float64])(np.asarray(z, dtype=np.float64))
