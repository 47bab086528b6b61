"""Wrong: uses the first layer norm's gamma and beta for both layer norms."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    h = x + multi_head_attention(layer_norm(x, p["ln1_gamma"], p["ln1_beta"]), p["W_q"], p["W_k"], p["W_v"],
                                 p["W_o"], num_heads, mask)
    return h + feed_forward(layer_norm(h, p["ln1_gamma"], p["ln1_beta"]), p["W1"], p["b1"], p["W2"], p["b2"])
