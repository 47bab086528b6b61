"""Wrong: treats every negative axis as the last one, so axis=-2 of a 3-D input normalises the last axis."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    if axis < 0:
        axis = x.ndim - 1  # 负数轴 = 最后一个轴 / a negative axis = the last one
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
