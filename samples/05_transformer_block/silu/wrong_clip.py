"""Wrong: clips x to [-500, 500] inside sigma to avoid the overflow, which changes the answer for very negative x."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return x / (1 + np.exp(-np.clip(x, -500, 500)))
