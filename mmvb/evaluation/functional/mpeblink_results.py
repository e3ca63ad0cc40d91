# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink video tracks in the official MPEblink result format.

The result JSON written by the official ``tools/test_mpeblink.py`` and
``tools/blink_result_convertor.py`` (wenzhengzeng/MPEblink, commit
``ee9a44f``) and read by its evaluator.
"""
from typing import Dict, List

from mmvb.models.task_modules.tracking import blink_intervals


def tracks_to_results(tracks: List[Dict],
                      video_id,
                      blink_thr: float = 0.3) -> List[Dict]:
    """Tracks in the official result JSON format (one dict per track).

    Args:
        tracks (list[dict]): Output of :meth:`ClipLinker.tracks`.
        video_id: The video id.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.

    Returns:
        list[dict]: ``video_id``, ``category_id`` (1), ``score``,
        ``bboxes`` (per frame ``[x, y, w, h]`` or None), ``blink_scores``,
        ``score_per_img`` and ``blinks_converted`` (``[start, end,
        score]`` events).
    """
    results = []
    for track in tracks:
        bboxes = []
        for box, alive in zip(track['boxes'], track['alive']):
            x1, y1, x2, y2 = (float(v) for v in box)
            bboxes.append([x1, y1, x2 - x1, y2 - y1] if alive else None)
        blink_scores = [float(s) for s in track['blink_scores']]
        results.append(
            dict(
                video_id=video_id,
                category_id=1,
                score=track['score'],
                bboxes=bboxes,
                blink_scores=blink_scores,
                score_per_img=[float(s) for s in track['frame_scores']],
                blinks_converted=blink_intervals(blink_scores, blink_thr)))
    return results
