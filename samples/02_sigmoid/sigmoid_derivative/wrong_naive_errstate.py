"""Wrong: s * (1 - s) with the naive s = 1 / (1 + np.exp(-z)) and the overflow warning silenced by np.errstate."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore"):  # 不显示上溢警告 / no overflow warning
        s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
