"""Correct: tuples whose entries are NumPy integers rather than Python ints."""
import numpy as np

shape_projection = tuple(np.array([3, 4, 2]))
shape_scores = tuple(np.array([2, 5, 7]))
shape_dot = tuple(np.array([2, 5, 2, 7]))
shape_KT = tuple(np.array([8, 7, 2]))
shape_output = tuple(np.array([2, 5, 3]))
shape_broadcast = tuple(np.array([3, 4, 5, 6]))
shape_einsum = tuple(np.array([2, 4, 5, 7]))
