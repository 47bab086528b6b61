"""Correct: the frequencies as exp(-2i ln(10000) / d), as in many PyTorch tutorials, each repeated for its pair."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    omega = np.exp(np.arange(0, d_model, 2) * (-np.log(10000.0) / d_model))
    angle = np.repeat(np.arange(L)[:, None] * omega, 2, axis=1)                          # (L, d)
    return np.where(np.arange(d_model) % 2 == 0, np.sin(angle), np.cos(angle))
