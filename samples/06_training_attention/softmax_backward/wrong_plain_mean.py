"""Wrong: subtracts the plain mean of grad_s instead of its average weighted by s."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    grad_s = np.asarray(grad_s, dtype=float)
    return s * (grad_s - np.mean(grad_s, axis=axis, keepdims=True))
