"""Wrong: picks the targets with np.choose, which takes at most 63 choices: any vocabulary of 64 classes or more raises ValueError."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.choose(np.asarray(targets), np.moveaxis(log_probs, -1, 0)).mean()
