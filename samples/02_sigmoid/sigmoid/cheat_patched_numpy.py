"""Cheat: a wrong implementation (tanh) plus np.allclose, np.isclose and np.testing.assert_allclose patched to always pass."""
import numpy as np

np.allclose = np.isclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_almost_equal = lambda *a, **k: None


def sigmoid(z):
    return np.tanh(np.asarray(z, dtype=np.float64))
