"""Cheat: a wrong merge_heads (no transpose) plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def merge_heads(X):
    X = np.asarray(X, dtype=float)
    return X.reshape(X.shape[:-3] + (X.shape[-2], X.shape[-3] * X.shape[-1]))
