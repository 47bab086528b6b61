"""Wrong: the ValueError message is in Chinese only (it names d_model, but says nothing in English)."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数，实际为{d_model}")
    p = np.arange(L)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((L, d_model))
    pe[:, 0::2] = np.sin(p * omega)
    pe[:, 1::2] = np.cos(p * omega)
    return pe
