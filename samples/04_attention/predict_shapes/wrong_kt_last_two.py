"""Wrong: believes K.T swaps only the last two axes."""
shape_projection = (3, 4, 2)
shape_scores = (2, 5, 7)
shape_dot = (2, 5, 2, 7)
shape_KT = (2, 8, 7)
shape_output = (2, 5, 3)
shape_broadcast = (3, 4, 5, 6)
shape_einsum = (2, 4, 5, 7)
