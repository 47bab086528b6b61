"""Wrong: a leaky ReLU, max(0.01 z, z), where the exercise asks for ReLU."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    z = np.asarray(x, dtype=float) @ W1 + b1
    return np.maximum(0.01 * z, z) @ W2 + b2
