"""Wrong: interleaved features (head h takes features h, h + H, ...)."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    if X.shape[-1] % num_heads != 0:
        raise ValueError(f"d_model={X.shape[-1]}不能被num_heads={num_heads}整除 / "
                         f"d_model={X.shape[-1]} is not divisible by num_heads={num_heads}")
    *lead, L, d_model = X.shape
    X = X.reshape(*lead, L, d_model // num_heads, num_heads)   # (..., L, d_head, h)
    return np.moveaxis(X, -1, -3)
