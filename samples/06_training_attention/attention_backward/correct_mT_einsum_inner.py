"""Correct: transposes with .mT (NumPy 2), the inner product of the softmax step with einsum."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, G = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    scale = np.sqrt(Q.shape[-1])
    scores = Q @ K.mT / scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    A = softmax(scores, axis=-1)
    dA = G @ V.mT
    dS = A * (dA - np.einsum("...qk,...qk->...q", dA, A)[..., None])
    return dS @ K / scale, dS.mT @ Q / scale, A.mT @ G
