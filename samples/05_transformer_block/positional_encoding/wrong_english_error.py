"""Wrong: the ValueError message is in English only."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2:
        raise ValueError(f"d_model must be even, got {d_model}")
    p = np.arange(L)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((L, d_model))
    pe[:, 0::2] = np.sin(p * omega)
    pe[:, 1::2] = np.cos(p * omega)
    return pe
