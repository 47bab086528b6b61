"""Correct, but warns (to stderr) every time it runs: a warning must not cost points."""
import sys
import warnings

import numpy as np


def softmax(x, axis=-1):
    warnings.warn("softmax: converting the input to float64", UserWarning)
    print("debug: computing softmax", file=sys.stderr)
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
