"""Wrong: all sines in the first half and all cosines in the second, instead of interleaved."""
import numpy as np


def positional_encoding(L, d_model):
    if d_model % 2 != 0:
        raise ValueError(f"d_model必须是偶数 / d_model must be even, got {d_model}")

    p = np.arange(L)[:, None]
    omega = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    return np.concatenate([np.sin(p * omega), np.cos(p * omega)], axis=1)
