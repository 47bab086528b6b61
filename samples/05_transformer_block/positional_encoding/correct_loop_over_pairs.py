"""Correct: a short Python loop over the d_model/2 pairs (not over elements)."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    pe = np.zeros((L, d_model))
    p = np.arange(L)
    for i in range(d_model // 2):
        w = 10000.0 ** (-2 * i / d_model)
        pe[:, 2 * i] = np.sin(p * w)
        pe[:, 2 * i + 1] = np.cos(p * w)
    return pe
