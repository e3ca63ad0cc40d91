# Copyright (c) mmvb contributors. All rights reserved.
import json
import os.path as osp

import cv2
import numpy as np

from mmvb.datasets.synthetic import render_ava_video, write_video

CONFIG = osp.join(
    'configs', 'bmvit', 'bmvit_mvit-tiny-p8-nopool_1xb8-'
    '8x2x1-20e_synthetic-ava-rgb-96px.py')


def test_writes_actor_map_boxes_and_attention(tmp_path, run_tool):
    frames, _ = render_ava_video(
        np.random.default_rng(1), num_seconds=2, fps=8)
    video = str(tmp_path / 'clip.mp4')
    write_video(video, frames, fps=8)
    out = tmp_path / 'vis'
    proc = run_tool([
        osp.join('tools', 'visualizations', 'vis_bmvit_tokens.py'), CONFIG,
        video, '--out-dir',
        str(out), '--actor-thr', '0.45', '--cell', '64', '--keyframe', '8'
    ])
    with open(out / 'tokens.json') as f:
        tokens = json.load(f)
    assert f'{len(tokens["selected"])} tokens above 0.45' in proc.output
    assert tokens['grid'] == [4, 6, 6] and tokens['keyframe'] == 8
    height, width = frames[0].shape[:2]
    assert cv2.imread(str(out / 'actor_map.png')).shape == (64, 64, 3)
    assert cv2.imread(str(out / 'boxes.png')).shape == (height, width, 3)
    shown = min(4, len(tokens['selected']))
    assert shown > 0
    # title + frames row + one row per token; label column + 4 frames
    assert cv2.imread(str(
        out / 'attention.png')).shape == (28 + 64 * (1 + shown), 150 + 64 * 4,
                                          3)
    assert all(0.5 < m <= 1 + 1e-5 for m in tokens['attention_mass'])
