"""Correct: softmax on any shape minus np.eye(C)[targets], divided by targets.size."""
import numpy as np


def cross_entropy_grad(logits, targets):
    logits = np.asarray(logits, dtype=float)
    targets = np.asarray(targets)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs = e / e.sum(axis=-1, keepdims=True)
    return (probs - np.eye(logits.shape[-1])[targets]) / targets.size
