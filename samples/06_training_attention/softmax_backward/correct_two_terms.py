"""Correct: written as two terms, s * g - s * <g, s>."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    weighted = (s * grad_s).sum(axis=axis, keepdims=True)
    return s * grad_s - s * weighted
