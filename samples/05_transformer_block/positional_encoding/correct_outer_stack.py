"""Correct: angles with np.outer, then sin and cos stacked on a new last axis and reshaped (interleaves them)."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    angles = np.outer(np.arange(L), 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model))   # (L, d/2)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(L, d_model)
