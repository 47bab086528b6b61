"""Cheat: a wrong compute_qkv (Q and K swapped) plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return X @ np.asarray(W_k, dtype=float), X @ np.asarray(W_q, dtype=float), X @ np.asarray(W_v, dtype=float)
