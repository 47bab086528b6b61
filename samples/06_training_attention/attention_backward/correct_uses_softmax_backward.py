"""Correct: reuses exercise 1 (softmax_backward) for the softmax step and the given forward for the weights."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    _, A = scaled_dot_product_attention(Q, K, V, mask)
    dS = softmax_backward(A, grad_out @ np.swapaxes(V, -1, -2), axis=-1)
    scale = np.sqrt(Q.shape[-1])
    return dS @ K / scale, np.swapaxes(dS, -1, -2) @ Q / scale, np.swapaxes(A, -1, -2) @ grad_out
