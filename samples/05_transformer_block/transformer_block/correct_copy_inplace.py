"""Correct: works on an explicit copy of x, so adding the sub-layers in place is safe."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    out = np.array(x, dtype=float, copy=True)
    out += multi_head_attention(layer_norm(out, p["ln1_gamma"], p["ln1_beta"]), p["W_q"], p["W_k"], p["W_v"],
                                p["W_o"], num_heads, mask)
    out += feed_forward(layer_norm(out, p["ln2_gamma"], p["ln2_beta"]), p["W1"], p["b1"], p["W2"], p["b2"])
    return out
