"""Wrong: np.asarray(x) without dtype=float: x - max wraps around for unsigned or small integer dtypes (uint8 [0, 1] gives [nan, 0] in float16), and int8 input gives float16 out."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
