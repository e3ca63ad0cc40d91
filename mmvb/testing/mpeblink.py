# Copyright (c) mmvb contributors. All rights reserved.
"""Fixtures in the MPEblink and HUST-LEBW formats."""
import json
import os
import os.path as osp

import cv2
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


def write_fake_hust_lebw(root: str, num_frames: int = 4) -> None:
    """A tiny HUST-LEBW pre-processed release (``check/`` lists and face
    crops) for tests: per eye one blink and two non-blink samples of
    ``num_frames`` 32x40 crops; the left-eye blink sample's label is 1,
    the right-eye lists swap the first non-blink sample to blink.
    """
    rng = np.random.default_rng(0)
    samples = dict(a=1, b=0, c=0)
    for name in samples:
        folder = osp.join(root, 'check', 'movie', name, '10')
        os.makedirs(folder, exist_ok=True)
        for i in range(1, num_frames + 1):
            img = rng.integers(0, 255, (40, 32, 3), dtype=np.uint8)
            cv2.imwrite(osp.join(folder, f'{i}face.bmp'), img)
    labels = dict(left=samples, right=dict(a=1, b=1, c=0))
    for eye, eye_labels in labels.items():
        for kind, value in (('blink', 1), ('non_blink', 0)):
            lines = []
            for name, label in eye_labels.items():
                if label != value:
                    continue
                paths = [
                    f'check/movie/{name}/10/{i}.bmp'
                    for i in range(1, num_frames + 1)
                ]
                lines.append(' '.join([str(label)] + paths))
            with open(osp.join(root, 'check', f'gt_{kind}_{eye}.txt'),
                      'w') as f:
                f.write('\n'.join(lines) + '\n')
