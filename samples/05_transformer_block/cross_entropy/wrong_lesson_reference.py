"""Wrong: the lesson's demo reference pasted as the answer: no max subtraction, so large logits overflow, and a list input fails."""
import numpy as np


def cross_entropy(logits, targets):
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, targets[..., None], -1).mean()
