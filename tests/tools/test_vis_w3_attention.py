# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp

import cv2
import numpy as np
import pytest

from mmvb.datasets.synthetic import generate_motion_dataset

CONFIG = osp.join('configs', 'w3',
                  'w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.py')


@pytest.fixture
def vis(run_tool):
    """Runs tools/visualizations/vis_w3_attention.py with ``args``."""

    def _vis(*args):
        return run_tool(
            [osp.join('tools', 'visualizations', 'vis_w3_attention.py')] +
            [str(a) for a in args])

    return _vis


def test_writes_attention_image(tmp_path, vis):
    root = str(tmp_path / 'motion')
    generate_motion_dataset(
        root,
        num_train=1,
        num_val=1,
        formats=('videos', 'rawframes'),
        progress=False)
    labels = osp.join(root, 'label_map.txt')
    out = tmp_path / 'vis' / 'attention.png'
    vis(CONFIG, osp.join(root, 'videos', 'val', '00000.mp4'), '--out', out,
        '--label-map', labels, '--cell', 64)
    image = cv2.imread(str(out))
    # frames row + 4 stage rows; label column + 5 frame columns
    assert image.shape == (28 + 64 * 5, 150 + 64 * 5, 3)
    assert image.std() > 10  # not blank
    # a folder of frames, two stages, raw mask values
    out2 = tmp_path / 'frames.png'
    vis(CONFIG, osp.join(root, 'rawframes', 'val', '00000'), '--out', out2,
        '--stages', 2, 3, '--num-frames', 3, '--cell', 48, '--raw',
        '--filename-tmpl', 'img_{:05}.jpg')
    image = cv2.imread(str(out2))
    assert image.shape == (28 + 48 * 3, 150 + 48 * 3, 3)
    assert np.isfinite(image).all()
