"""Wrong: computes in the input's own integer dtype and casts only the result to float64: uint8 [0, 1] gives [nan, 0]
(x - max wraps around), int8 computes exp in float16."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float64)
