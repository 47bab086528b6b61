"""Wrong: strictly below the diagonal (a token may not attend to itself)."""
import numpy as np


def causal_mask(L):
    return np.tril(np.ones((L, L), dtype=bool), k=-1)
