"""Wrong: 10000^(2i/d) as (10000^(2i))^(1/d): 10000.0**(2i) overflows to inf once 2i > 76, so d_model of 80 or more breaks."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")
    p = np.arange(L)[:, None]
    div = (10000.0 ** np.arange(0, d_model, 2)) ** (1 / d_model)
    pe = np.zeros((L, d_model))
    pe[:, 0::2] = np.sin(p / div)
    pe[:, 1::2] = np.cos(p / div)
    return pe
