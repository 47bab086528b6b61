"""Wrong: swaps axes 1 and 2 (nanoGPT's .transpose(1, 2)), right only for a 3-D (B, L, d_model) input."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    d_model = X.shape[-1]
    if d_model % num_heads != 0:
        raise ValueError(f"d_model={d_model}不能被num_heads={num_heads}整除 / "
                         f"d_model={d_model} is not divisible by num_heads={num_heads}")
    return X.reshape(X.shape[:-1] + (num_heads, d_model // num_heads)).swapaxes(1, 2)
