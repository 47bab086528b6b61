"""Wrong: the inner product without keepdims, so along any axis but 0 it broadcasts against the wrong axis (or fails)."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    return s * (grad_s - np.sum(grad_s * s, axis=axis))
