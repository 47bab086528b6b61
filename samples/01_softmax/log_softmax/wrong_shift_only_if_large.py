"""Wrong: subtracts the max only when it exceeds 700; an all-negative slice such as [-1000, -1001, -1002] underflows to log(0)."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = x.max(axis=axis, keepdims=True)
    if np.max(m) > 700:  # 只在会上溢时才减 / shift only when exp would overflow
        return (x - m) - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))
