"""Wrong: 0.25 * (1 - tanh(z/2)^2) never overflows, but 1 - tanh^2 cancels to 0 for large |z| on both sides: sigma'(-400) gives 0, not e^-400."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return 0.25 * (1.0 - np.tanh(z / 2) ** 2)
