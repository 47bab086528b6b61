"""Wrong: the backward pass recomputes the weights without the mask, so gradient flows through masked positions."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    _, A_masked = scaled_dot_product_attention(Q, K, V, mask)
    A = softmax(Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k), axis=-1)   # 忘了掩码 / mask forgotten
    dV = np.swapaxes(A_masked, -1, -2) @ grad_out
    dA = grad_out @ np.swapaxes(V, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d_k), np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k), dV
