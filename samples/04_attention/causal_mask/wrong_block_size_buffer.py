"""Wrong: slices a precomputed 1024 x 1024 lower triangle (GPT-2's block_size), so L > 1024 gives a (1024, 1024) mask."""
import numpy as np

_CAUSAL = np.tril(np.ones((1024, 1024), dtype=bool))   # 预先算好，最长1024 / precomputed, at most 1024


def causal_mask(L):
    return _CAUSAL[:L, :L]
