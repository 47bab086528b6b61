"""Wrong: sums the losses and divides by logits.shape[0], the batch size, instead of the number of positions."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, np.asarray(targets)[..., None], axis=-1)
    return -picked.sum() / logits.shape[0]
