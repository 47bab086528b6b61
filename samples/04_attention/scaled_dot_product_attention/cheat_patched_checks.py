"""Cheat: a wrong attention (no scaling, mask ignored) plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    weights = softmax(Q @ np.swapaxes(K, -1, -2), axis=-1)
    return weights @ V, weights
