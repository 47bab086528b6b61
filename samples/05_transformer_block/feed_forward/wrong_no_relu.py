"""Wrong: forgets the ReLU, so the two layers collapse into one linear map."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    return (np.asarray(x, dtype=float) @ W1 + b1) @ W2 + b2
