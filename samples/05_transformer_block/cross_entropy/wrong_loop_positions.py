"""Wrong: right values, but a Python loop adds up the loss one position at a time."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    z = logits.reshape(-1, logits.shape[-1])
    t = np.asarray(targets).reshape(-1)
    total = 0.0
    for n in range(len(t)):
        row = z[n] - z[n].max()
        total += np.log(np.exp(row).sum()) - row[t[n]]
    return total / len(t)
