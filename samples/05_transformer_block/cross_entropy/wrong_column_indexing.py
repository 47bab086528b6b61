"""Wrong: log_probs[:, targets] picks every target column for every row (an N x N block) and averages it."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    z = logits.reshape(-1, logits.shape[-1])
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_probs[:, np.asarray(targets).reshape(-1)].mean()
