# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np

from mmvb.apis.instblink_visualization import (draw_instblink_frame,
                                               plot_blink_timeline,
                                               track_color)
from mmvb.datasets.synthetic import render_blink_video, write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(
    ROOT, 'configs', 'instblink',
    'instblink_r18-c16-fpn_1xb4-3x1x1-1400i_synthetic-blink-rgb.py')

TRACK = dict(
    score=0.9,
    bboxes=[[10, 10, 20, 20], None, [12, 10, 20, 20]],
    blink_scores=[0.0, 0.0, 0.8],
    blinks_converted=[[2, 2, 0.8]])


def test_draw_frame():
    frame = np.zeros((60, 80, 3), np.uint8)
    drawn = draw_instblink_frame(frame, [TRACK], 0)
    assert tuple(drawn[20, 10]) == track_color(0)  # left box edge
    assert frame.sum() == 0  # input untouched
    assert draw_instblink_frame(frame, [TRACK], 1).sum() == 0  # absent
    blink = draw_instblink_frame(frame, [TRACK], 2)
    # blink frames get a thicker box
    assert (blink[20, 11:15] > 0).any(-1).sum() >= 2
    big = draw_instblink_frame(
        np.zeros((120, 160, 3), np.uint8), [TRACK], 0, box_scale=2)
    assert tuple(big[40, 20]) == track_color(0)


def test_timeline_plot(tmp_path):
    path = str(tmp_path / 'timeline.png')
    labels = plot_blink_timeline([TRACK, TRACK], path, fps=10)
    assert labels == ['id 0', 'id 1']
    assert cv2.imread(path) is not None
    plot_blink_timeline([], str(tmp_path / 'empty.png'))
    assert cv2.imread(str(tmp_path / 'empty.png')) is not None


def test_demo_on_generated_video(tmp_path):
    frames, _ = render_blink_video(np.random.default_rng(0), num_frames=24)
    video = str(tmp_path / 'faces.mp4')
    write_video(video, frames, fps=12)
    spec = importlib.util.spec_from_file_location(
        'instblink_demo', osp.join(ROOT, 'demo', 'instblink_demo.py'))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    out = tmp_path / 'out'
    # random weights: a zero score threshold keeps the queries as faces
    demo.main([
        video, CFG, '--out-dir',
        str(out), '--score-thr', '0', '--clip-len', '16', '--stride', '8'
    ])
    cap = cv2.VideoCapture(str(out / 'faces_instblink.mp4'))
    n = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        n += 1
        assert frame.shape[:2] == (384, 640)  # 96x160 enlarged x4
    assert n == 24
    assert cv2.imread(str(out / 'faces_blink_timeline.png')) is not None
    with open(out / 'faces_instblink.json') as f:
        tracks = json.load(f)
    assert tracks and all(len(t['bboxes']) == 24 for t in tracks)
