"""Wrong: sigma via (1 + tanh(x/2)) / 2, which cancels to 0 for very negative x."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return x * 0.5 * (1 + np.tanh(x / 2))
