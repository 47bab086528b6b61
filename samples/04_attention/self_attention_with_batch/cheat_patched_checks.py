"""Cheat: a wrong self_attention_with_batch (no scaling, softmax over axis 1) plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    return softmax(Q @ K.transpose(0, 2, 1), axis=1) @ V
