"""Wrong: the sign flipped, s * (<g, s> - g)."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    return s * (np.sum(grad_s * s, axis=axis, keepdims=True) - grad_s)
