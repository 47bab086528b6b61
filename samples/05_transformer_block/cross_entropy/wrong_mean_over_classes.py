"""Wrong: -(onehot * log_probs).mean() averages over classes too, dividing by N*C."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    onehot = np.eye(logits.shape[-1])[np.asarray(targets)]
    return -(onehot * log_probs).mean()
