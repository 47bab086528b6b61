"""Wrong: a Python loop over the batch (the mean of each sequence's loss): right values, slow for many sequences."""
import numpy as np


def cross_entropy(logits, targets):
    logits, targets = np.asarray(logits, dtype=float), np.asarray(targets)
    if logits.ndim > 2:
        return float(np.mean([cross_entropy(l, t) for l, t in zip(logits, targets)]))
    z = logits - logits.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(-np.take_along_axis(log_probs, targets[..., None], axis=-1).mean())
