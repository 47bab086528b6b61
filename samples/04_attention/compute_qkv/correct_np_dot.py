"""Correct: np.dot, which equals @ when the weight matrix is 2-D."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    Q = np.dot(X, np.asarray(W_q, dtype=float))
    K = np.dot(X, np.asarray(W_k, dtype=float))
    V = np.dot(X, np.asarray(W_v, dtype=float))
    return Q, K, V
