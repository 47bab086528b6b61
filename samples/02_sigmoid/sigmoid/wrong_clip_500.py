"""Wrong: clips z to [-500, 500] to avoid overflow, which makes sigmoid(-1000) about 7e-218 instead of 0."""
import numpy as np


def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=np.float64), -500, 500)
    return 1 / (1 + np.exp(-z))
