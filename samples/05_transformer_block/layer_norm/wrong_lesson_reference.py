"""Wrong: the lesson's demo reference pasted as the answer: it calls x.mean and x.var on x as given, so a list input fails."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    # x必须是NumPy数组，不接受列表 / x must be a NumPy array, not a list
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps) * gamma + beta
