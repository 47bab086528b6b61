"""Wrong: the post-LN block of the 2017 paper where pre-LN is asked."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    h = layer_norm(x + multi_head_attention(x, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads, mask),
                   p["ln1_gamma"], p["ln1_beta"])
    return layer_norm(h + feed_forward(h, p["W1"], p["b1"], p["W2"], p["b2"]), p["ln2_gamma"], p["ln2_beta"])
