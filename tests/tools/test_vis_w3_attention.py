# Copyright (c) mmvb contributors. All rights reserved.
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np

from mmvb.datasets.synthetic import generate_motion_dataset

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'configs', 'w3',
                  'w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.py')


def _run(*args):
    result = subprocess.run(
        [sys.executable,
         osp.join(REPO, 'tools', 'visualizations', 'vis_w3_attention.py')] +
        [str(a) for a in args],
        env=dict(os.environ, PYTHONPATH=REPO),
        capture_output=True,
        text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_writes_attention_image(tmp_path):
    root = str(tmp_path / 'motion')
    generate_motion_dataset(
        root,
        num_train=1,
        num_val=1,
        formats=('videos', 'rawframes'),
        progress=False)
    labels = osp.join(root, 'label_map.txt')
    out = tmp_path / 'vis' / 'attention.png'
    _run(CONFIG, osp.join(root, 'videos', 'val', '00000.mp4'), '--out', out,
         '--label-map', labels, '--cell', 64)
    image = cv2.imread(str(out))
    # frames row + 4 stage rows; label column + 5 frame columns
    assert image.shape == (28 + 64 * 5, 150 + 64 * 5, 3)
    assert image.std() > 10  # not blank
    # a folder of frames, two stages, raw mask values
    out2 = tmp_path / 'frames.png'
    _run(CONFIG, osp.join(root, 'rawframes', 'val', '00000'), '--out', out2,
         '--stages', 2, 3, '--num-frames', 3, '--cell', 48, '--raw',
         '--filename-tmpl', 'img_{:05}.jpg')
    image = cv2.imread(str(out2))
    assert image.shape == (28 + 48 * 3, 150 + 48 * 3, 3)
    assert np.isfinite(image).all()
