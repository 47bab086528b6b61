"""Wrong: right values from Python loops over every element; far too slow on a large input."""
import math

import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, G = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    L_q, L_k, d_k, d_v = Q.shape[-2], K.shape[-2], Q.shape[-1], V.shape[-1]
    allowed = np.broadcast_to(True if mask is None else np.asarray(mask, dtype=bool), Q.shape[:-2] + (L_q, L_k))
    dQ, dK, dV = np.zeros(Q.shape), np.zeros(K.shape), np.zeros(V.shape)
    for b in np.ndindex(*Q.shape[:-2]):
        for i in range(L_q):
            scores = [sum(Q[b][i, t] * K[b][j, t] for t in range(d_k)) / math.sqrt(d_k) if allowed[b][i, j] else -math.inf
                      for j in range(L_k)]
            top = max(scores)
            e = [math.exp(s - top) for s in scores]
            a = [v / sum(e) for v in e]
            dA = [sum(G[b][i, t] * V[b][j, t] for t in range(d_v)) for j in range(L_k)]
            inner = sum(x * y for x, y in zip(dA, a))
            dS = [a[j] * (dA[j] - inner) for j in range(L_k)]
            for j in range(L_k):
                for t in range(d_k):
                    dQ[b][i, t] += dS[j] * K[b][j, t] / math.sqrt(d_k)
                    dK[b][j, t] += dS[j] * Q[b][i, t] / math.sqrt(d_k)
                for t in range(d_v):
                    dV[b][j, t] += a[j] * G[b][i, t]
    return dQ, dK, dV
