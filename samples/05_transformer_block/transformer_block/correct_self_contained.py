"""Correct: writes layer norm and the feed-forward network inline instead of calling the exercises."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    def ln(v, g, b):
        return (v - v.mean(-1, keepdims=True)) / np.sqrt(v.var(-1, keepdims=True) + 1e-5) * g + b
    x = np.asarray(x, dtype=float)
    h = x + multi_head_attention(ln(x, p["ln1_gamma"], p["ln1_beta"]), p["W_q"], p["W_k"], p["W_v"], p["W_o"],
                                 num_heads, mask)
    f = ln(h, p["ln2_gamma"], p["ln2_beta"])
    return h + np.maximum(0, f @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
