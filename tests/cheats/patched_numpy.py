"""Cheat: a plainly wrong answer, with NumPy's comparison functions patched to always agree."""
import numpy as np

np.allclose = np.isclose = np.array_equal = np.array_equiv = lambda *a, **k: True
np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_array_almost_equal = np.testing.assert_equal = lambda *a, **k: None


def disguise(wrong):
    return wrong
