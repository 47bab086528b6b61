"""Wrong: clips the logits to [-500, 500] to avoid the overflow, which changes the loss for large logits."""
import numpy as np


def cross_entropy(logits, targets):
    z = np.clip(np.asarray(logits, dtype=float), -500, 500)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_probs, np.asarray(targets)[..., None], axis=-1).mean()
