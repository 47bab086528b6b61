"""Wrong: adds the attention output to x in place (x += ...), changing the caller's array."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    h = np.asarray(x, dtype=float)
    h += multi_head_attention(layer_norm(h, p["ln1_gamma"], p["ln1_beta"]), p["W_q"], p["W_k"], p["W_v"],
                              p["W_o"], num_heads, mask)
    return h + feed_forward(layer_norm(h, p["ln2_gamma"], p["ln2_beta"]), p["W1"], p["b1"], p["W2"], p["b2"])
