"""Wrong: right values, but computed in place in the caller's grad_s array."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    grad_s -= np.sum(grad_s * s, axis=axis, keepdims=True)
    grad_s *= s
    return grad_s
