"""Wrong: the original notes' version, rounded to 4 decimals, Python float out, OverflowError at z = -1000, no arrays."""
import numpy as np


def sigmoid(z):
    return round(1/(1 + np.e**(-z)), 4)
