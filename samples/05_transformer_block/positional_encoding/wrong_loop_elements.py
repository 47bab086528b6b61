"""Wrong: right values, but two Python loops fill the table one element at a time (far too slow for long sequences)."""
import math

import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")
    pe = np.zeros((L, d_model))
    for p in range(L):
        for j in range(d_model):
            angle = p / 10000 ** ((j - j % 2) / d_model)
            pe[p, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe
