"""Wrong: adds the normalised input as the residual, LN(x) + attn(LN(x)), instead of x."""
import numpy as np


def transformer_block(x, params, num_heads, mask=None):
    p = params
    a = layer_norm(x, p["ln1_gamma"], p["ln1_beta"])
    h = a + multi_head_attention(a, p["W_q"], p["W_k"], p["W_v"], p["W_o"], num_heads, mask)
    f = layer_norm(h, p["ln2_gamma"], p["ln2_beta"])
    return f + feed_forward(f, p["W1"], p["b1"], p["W2"], p["b2"])
