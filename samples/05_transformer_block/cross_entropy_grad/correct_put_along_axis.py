"""Correct: exp of log-softmax, then subtracts 1 at the targets with put_along_axis on a copy."""
import numpy as np


def cross_entropy_grad(logits, targets):
    logits = np.asarray(logits, dtype=float)
    t = np.asarray(targets)[..., None]
    z = logits - logits.max(axis=-1, keepdims=True)
    grad = np.exp(z - np.log(np.exp(z).sum(axis=-1, keepdims=True)))
    np.put_along_axis(grad, t, np.take_along_axis(grad, t, axis=-1) - 1.0, axis=-1)
    return grad / t.size
