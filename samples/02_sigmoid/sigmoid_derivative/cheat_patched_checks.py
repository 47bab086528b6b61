"""Cheat: a wrong implementation (z * (1 - z)) plus course.checks patched in the kernel so that every check passes."""
import numpy as np
import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1 - z)
