"""Correct: flattens all positions to (N, d_model), then reshapes back."""
import numpy as np


def feed_forward(x, W1, b1, W2, b2):
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1, x.shape[-1])
    hidden = flat @ np.asarray(W1) + b1
    hidden[hidden < 0] = 0.0
    return (hidden @ np.asarray(W2) + b2).reshape(x.shape[:-1] + (np.shape(W2)[1],))
