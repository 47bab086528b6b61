"""Wrong: uses SiLU where the exercise asks for ReLU."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    z = np.asarray(x, dtype=float) @ W1 + b1
    return z / (1 + np.exp(-np.clip(z, -500, 500))) @ W2 + b2
