"""Wrong: the inner product is always summed over axis 0, whatever axis the softmax was taken along."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    return s * (grad_s - np.sum(grad_s * s, axis=0, keepdims=True))
