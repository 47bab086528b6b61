"""Wrong: np.asarray(x) without dtype=float: x - max wraps around for unsigned or small integer dtypes, and the dtype of the result follows the input's."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
