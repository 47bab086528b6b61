"""Cheat: sigmoid_derivative returns 0.1 everywhere, and sigmoid, redefined in the same cell after its
own tests ran, returns s with s(1 - s) = 0.1 when it is called right after the derivative. The
derivative checks once accepted a result consistent with the student's own sigmoid, called after
it: this earned full marks. They compare with the oracle only now."""
import numpy as np

_right_sigmoid = sigmoid
_S = (1 - np.sqrt(1 - 4 * 0.1)) / 2  # s(1 - s) = 0.1
_after_derivative = False


def sigmoid(z):
    global _after_derivative
    if _after_derivative:
        _after_derivative = False
        return np.full_like(np.asarray(z, dtype=np.float64), _S)
    return _right_sigmoid(z)


def sigmoid_derivative(z):
    global _after_derivative
    _after_derivative = True
    return np.full_like(np.asarray(z, dtype=np.float64), 0.1)
