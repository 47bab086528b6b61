"""Wrong: the formula as written with the overflow warning silenced by np.errstate: 1 / (1 + inf) = 0 even where the true value is still representable (sigmoid(-710) is about 4.5e-309)."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore"):  # 不显示上溢警告 / no overflow warning
        return 1 / (1 + np.exp(-z))
