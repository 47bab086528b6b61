"""Wrong: 0.5 * (1 + tanh(z / 2)) never overflows, but cancellation turns small probabilities into 0 (sigmoid(-40) == 0)."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(z / 2))
