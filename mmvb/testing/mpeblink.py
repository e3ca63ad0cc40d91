# Copyright (c) mmvb contributors. All rights reserved.
"""Fixtures in the MPEblink formats."""
import json
import os.path as osp

import numpy as np

from mmvb.datasets.synthetic import write_video


def write_fake_mpeblink_release(root: str) -> None:
    """A tiny MPEblink release in the official layout (for tests).

    ``test``: videos 3 (person ``a`` absent in frame 4 and blinking in
    frames 1-2, person ``b`` entering at frame 2) and 12 (person ``c``
    blinking in frame 5 only); ``train``: video 7 (a copy of 12). Every
    video has 6 random 80x40 frames.
    """
    rng = np.random.default_rng(0)
    persons = {
        3: {
            'a':
            dict(
                bbox=[[8, 4, 16, 20]] * 4 + [None, [10, 4, 16, 20]],
                landmark=[[[8, 4]] * 68] * 4 + [None, [[10, 4]] * 68],
                blink=[[1, 2]]),
            'b':
            dict(
                bbox=[None, None] + [[40, 8, 20, 20]] * 4,
                landmark=[None, None] + [[[40, 8]] * 68] * 4,
                blink=[])
        },
        12: {
            'c':
            dict(
                bbox=[[0, 0, 40, 40]] * 6,
                landmark=[[[0, 0]] * 68] * 6,
                blink=[[5, 5]])
        }
    }
    for split, videos in (('test', persons), ('train', {7: persons[12]})):
        for vid, people in videos.items():
            folder = osp.join(root, split, str(vid))
            frames = rng.integers(0, 255, (6, 40, 80, 3), dtype=np.uint8)
            write_video(osp.join(folder, 'video.mp4'), frames, fps=6)
            annote = dict(height=40, width=80, length=6)
            annote.update(people)
            with open(osp.join(folder, 'annote.json'), 'w') as f:
                json.dump(annote, f)
