"""Correct: the shapes computed by running the expressions (plain tuples of ints)."""
import numpy as np

_Q, _K, _V, _weights = np.ones((2, 5, 8)), np.ones((2, 7, 8)), np.ones((2, 7, 3)), np.ones((2, 5, 7))
shape_projection = (np.ones((3, 4, 8)) @ np.ones((8, 2))).shape
shape_scores = (_Q @ _K.transpose(0, 2, 1)).shape
shape_dot = np.dot(_Q, _K.transpose(0, 2, 1)).shape
shape_KT = _K.T.shape
shape_output = (_weights @ _V).shape
shape_broadcast = (np.ones((3, 1, 5, 8)) @ np.ones((4, 8, 6))).shape
shape_einsum = np.einsum("bhid,bhjd->bhij", np.ones((2, 4, 5, 8)), np.ones((2, 4, 7, 8))).shape
