"""Wrong: moves the softmax axis to the end, but "moves it back" with the same np.moveaxis(out, axis, -1)."""
import numpy as np


def softmax_backward(s, grad_s, axis=-1):
    s_last = np.moveaxis(np.asarray(s, dtype=float), axis, -1)
    g_last = np.moveaxis(np.asarray(grad_s, dtype=float), axis, -1)
    out = s_last * (g_last - np.sum(g_last * s_last, axis=-1, keepdims=True))
    return np.moveaxis(out, axis, -1)
