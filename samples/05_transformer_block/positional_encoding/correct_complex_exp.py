"""Correct: exp(i * angle) gives cos and sin of every angle at once; imaginary and real parts interleaved."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")
    angle = np.arange(L)[:, None] * 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    z = np.exp(1j * angle)
    return np.stack([z.imag, z.real], axis=-1).reshape(L, d_model)
