"""Wrong: gives the output the width d_k instead of d_v."""
shape_projection = (3, 4, 2)
shape_scores = (2, 5, 7)
shape_dot = (2, 5, 2, 7)
shape_KT = (8, 7, 2)
shape_output = (2, 5, 8)
shape_broadcast = (3, 4, 5, 6)
shape_einsum = (2, 4, 5, 7)
