"""Wrong: right values, but Python loops over every token of every head (not vectorised)."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    *lead, L, d_model = X.shape
    if d_model % num_heads != 0:
        raise ValueError(f"d_model={d_model}不能被num_heads={num_heads}整除 / "
                         f"d_model={d_model} is not divisible by num_heads={num_heads}")
    d_head = d_model // num_heads
    result = np.zeros((*lead, num_heads, L, d_head))
    for index in np.ndindex(*lead, L):                  # 逐个词元 / one token at a time
        for h in range(num_heads):
            result[index[:-1] + (h, index[-1])] = X[index][h * d_head:(h + 1) * d_head]
    return result
