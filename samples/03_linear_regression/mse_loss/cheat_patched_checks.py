"""Cheat: a wrong implementation (the loss plus 1) plus course.checks patched in the kernel so that every check passes."""
import numpy as np
import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return residual @ residual / (2 * len(y)) + 1.0
