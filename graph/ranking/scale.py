"""Counts turned into values in [0, 1]: ``log(1 + n) / log(1 + max n)``, so that the first ones
count most and the largest count is 1. One rule for every signal made of counts (projects on a
theme, shared projects, partner companies)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt


def log_scale(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each count scaled by the largest; zeros when none is positive.

    >>> log_scale(np.array([0.0, 1.0, 3.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    top = float(counts.max()) if counts.size else 0.0
    if top <= 0:
        return np.zeros_like(counts, dtype=np.float64)
    out: npt.NDArray[np.float64] = np.log1p(counts) / np.log1p(top)
    return out


def log_scaled(counts: Mapping[str, int]) -> dict[str, float]:
    """``log_scale`` by key; {} when no count is positive.

    >>> log_scaled({"a": 0, "b": 1, "c": 3})
    {'a': 0.0, 'b': 0.5, 'c': 1.0}
    """
    keys = list(counts)
    values = np.asarray([counts[k] for k in keys], dtype=np.float64)
    if not values.size or values.max() <= 0:
        return {}
    return dict(zip(keys, log_scale(values).tolist(), strict=True))
