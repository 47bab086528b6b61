"""Wrong: copies grad_s with np.array (no dtype) and works in place: integer gradients raise a casting error."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s = np.asarray(s, dtype=float)
    g = np.array(grad_s)                       # 复制，但保留整数类型 / a copy, but it keeps an integer dtype
    g -= np.sum(g * s, axis=axis, keepdims=True)
    g *= s
    return g
