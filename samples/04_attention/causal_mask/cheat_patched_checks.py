"""Cheat: a wrong causal_mask (upper triangle) plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def causal_mask(L):
    return np.triu(np.ones((L, L), dtype=bool))
