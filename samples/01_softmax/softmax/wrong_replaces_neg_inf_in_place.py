"""Wrong: replaces -inf (masked scores) by -1e9 in the caller's array; only inputs containing -inf are modified."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    x[np.isneginf(x)] = -1e9  # 被遮挡的位置 / masked positions
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
