"""Wrong: the lesson's demo reference pasted as the answer: math only, one Python number at a time, so arrays and lists fail and a scalar gives a Python float."""
import math


def sigmoid(z):
    e = math.exp(-abs(z))  # 在(0, 1]内，不会上溢 / in (0, 1], never overflows
    return (1.0 if z >= 0 else e) / (1.0 + e)
