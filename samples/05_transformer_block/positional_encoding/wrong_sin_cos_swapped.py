"""Wrong: cos in the even columns and sin in the odd ones."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    p = np.arange(L)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((L, d_model))

    pe[:, 0::2] = np.cos(p * omega)
    pe[:, 1::2] = np.sin(p * omega)
    return pe
