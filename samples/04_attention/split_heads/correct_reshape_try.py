"""Correct: lets reshape detect the bad sizes and re-raises its error with a bilingual message."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    d_model = X.shape[-1]
    try:
        Y = X.reshape(X.shape[:-1] + (num_heads, d_model // num_heads))
    except ValueError:
        raise ValueError(f"d_model={d_model}不能被num_heads={num_heads}整除 / "
                         f"d_model={d_model} is not divisible by num_heads={num_heads}") from None
    return Y.swapaxes(-3, -2)
