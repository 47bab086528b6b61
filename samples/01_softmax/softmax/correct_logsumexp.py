"""Correct: exp(x - logsumexp(x)), with logsumexp computed stably by hand (no SciPy)."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = x.max(axis=axis, keepdims=True)
    logsumexp = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return np.exp(x - logsumexp)
