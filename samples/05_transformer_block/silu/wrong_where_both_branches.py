"""Wrong: np.where over two formulas evaluates both on every element, so the unused one still overflows with a warning."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, x / (1 + np.exp(-x)), x * np.exp(x) / (1 + np.exp(x)))
