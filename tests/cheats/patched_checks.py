"""Cheat: a plainly wrong answer, with the course's checks patched in the kernel so that every check passes."""
import course.checks
import numpy as np

for _name in ("expect", "expect_close", "expect_equal", "expect_error", "_compare_array", "_expect_ran"):
    setattr(course.checks, _name, lambda *a, **k: None)
course.checks.partial_credit = lambda checks, points: course.checks.Score(points)


def disguise(wrong):
    return wrong
