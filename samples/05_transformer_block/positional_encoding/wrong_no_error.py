"""Wrong: no check of d_model; an odd d_model silently returns a truncated encoding."""
import numpy as np


def positional_encoding(L, d_model):
    p = np.arange(L)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((L, d_model))
    pe[:, 0::2] = np.sin(p * omega)
    pe[:, 1::2] = np.cos(p * omega)[:, :d_model // 2]
    return pe
