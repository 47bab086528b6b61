"""Correct: the explicit-Jacobian route, one (L_k, L_k) softmax Jacobian per query, contracted with einsum."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    scale = np.sqrt(Q.shape[-1])
    scores = np.einsum("...qd,...kd->...qk", Q, K) / scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    A = softmax(scores, axis=-1)
    J = np.einsum("...qk,kl->...qkl", A, np.eye(A.shape[-1])) - np.einsum("...qk,...ql->...qkl", A, A)
    dA = np.einsum("...qv,...kv->...qk", grad_out, V)
    dS = np.einsum("...qkl,...qk->...ql", J, dA)
    return (np.einsum("...qk,...kd->...qd", dS, K) / scale,
            np.einsum("...qk,...qd->...kd", dS, Q) / scale,
            np.einsum("...qk,...qv->...kv", A, grad_out))
