"""Correct: one sine for every column, cos(a) written as sin(a + pi/2) in the odd columns."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")
    j = np.arange(d_model)
    angle = np.arange(L)[:, None] / 10000.0 ** ((j - j % 2) / d_model)
    return np.sin(angle + (j % 2) * (np.pi / 2))
