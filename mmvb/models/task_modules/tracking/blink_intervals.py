# Copyright (c) mmvb contributors. All rights reserved.
"""Blink events from per-frame blink probabilities (MPEblink, Fig. 6).

The merging rule of the official ``tools/blink_result_convertor.py``
(wenzhengzeng/MPEblink, commit ``ee9a44f``).
"""
from typing import Iterable, List

import numpy as np


def blink_intervals(scores: Iterable[float],
                    threshold: float = 0.3) -> List[List[float]]:
    """Merge per-frame blink scores into blink events (Fig. 6).

    Every maximal run of consecutive frames with ``score >= threshold``
    becomes ``[start, end, mean score]`` (inclusive frame indices); no
    minimum length, gap filling or suppression, as in the official
    ``blink_result_convertor.py``.

    Args:
        scores (Iterable[float]): Per-frame blink probabilities.
        threshold (float): Merging threshold. Defaults to 0.3.

    Returns:
        list[list]: ``[start, end, score]`` per event, in time order.
    """
    scores = [float(s) for s in scores]
    events, start = [], None
    for i, s in enumerate(scores + [-np.inf]):
        if s >= threshold and start is None:
            start = i
        elif s < threshold and start is not None:
            run = scores[start:i]
            events.append([start, i - 1, sum(run) / len(run)])
            start = None
    return events
