"""Wrong: the lesson's demo reference pasted as the answer: it does not check that d_model is even, so an odd d_model raises no ValueError."""
import numpy as np


def positional_encoding(L, d_model):
    # angle[p, j] = p·10000^(-(j - j % 2)/d_model)
    j = np.arange(d_model)
    angle = np.arange(L)[:, None] * 10000.0 ** (-(j - j % 2) / d_model)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
