"""Wrong: interleaved wrongly: every column uses its own index j in the exponent, so a pair's sin and cos get different angles."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    j = np.arange(d_model)
    angle = np.arange(L)[:, None] / 10000.0 ** (j / d_model)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
