"""Correct: unpacks the dict first, then the two residual sub-layers."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    W_q, W_k, W_v, W_o = (params[k] for k in ("W_q", "W_k", "W_v", "W_o"))
    g1, b1_ln, g2, b2_ln = (params[k] for k in ("ln1_gamma", "ln1_beta", "ln2_gamma", "ln2_beta"))
    x = np.asarray(x, dtype=float)
    x = x + multi_head_attention(layer_norm(x, g1, b1_ln), W_q, W_k, W_v, W_o, num_heads, mask=mask)
    x = x + feed_forward(layer_norm(x, g2, b2_ln), params["W1"], params["b1"], params["W2"], params["b2"])
    return x
