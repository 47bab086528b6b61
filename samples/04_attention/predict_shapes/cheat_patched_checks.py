"""Cheat: wrong shapes plus course.checks patched in the kernel so that every check passes."""
import numpy as np

import course.checks

course.checks.expect_close = lambda *a, **k: None
course.checks.expect = lambda *a, **k: None
course.checks.expect_equal = lambda *a, **k: None
course.checks.expect_error = lambda *a, **k: None
course.checks._compare_array = lambda *a, **k: None
course.checks._expect_ran = lambda *a, **k: None
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)

shape_projection = shape_scores = shape_dot = shape_KT = shape_output = shape_broadcast = shape_einsum = (1,)
