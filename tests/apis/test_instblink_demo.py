# Copyright (c) mmvb contributors. All rights reserved.
import csv
import importlib.util
import json
import os.path as osp

import cv2
import numpy as np
import pytest

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


def _demo():
    spec = importlib.util.spec_from_file_location(
        'instblink_demo', osp.join(ROOT, 'demo', 'instblink_demo.py'))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return demo


def test_demo_on_generated_video(tmp_path, capsys):
    frames, _ = render_blink_video(np.random.default_rng(0), num_frames=24)
    video = str(tmp_path / 'faces.mp4')
    write_video(video, frames, fps=12)
    out = tmp_path / 'out'
    # the widths this test was designed with (the synthetic recipe's
    # narrower 32 gives random blink scores below the threshold)
    cfg = tmp_path / 'instblink_c64.py'
    cfg.write_text(f'_base_ = [{CFG!r}]\n'
                   'model = dict(neck=dict(out_channels=64), head=dict('
                   'embed_dims=64, feedforward_channels=256))\n')
    # random weights: a zero score threshold keeps the queries as faces,
    # a blink threshold in their range gives blinks
    _demo().main([
        video,
        str(cfg), '--out-dir',
        str(out), '--score-thr', '0', '--clip-len', '16', '--stride', '8',
        '--blink-thr', '0.5'
    ])
    cap = cv2.VideoCapture(str(out / 'faces_instblink.mp4'))
    n = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        n += 1
        # 96x160 enlarged x4, and the timeline panel under it
        assert frame.shape[:2] == (384 + 4 * 24 + 14, 640)
    assert n == 24
    assert cv2.imread(str(out / 'faces_blink_timeline.png')) is not None
    with open(out / 'faces_instblink.json') as f:
        tracks = json.load(f)
    assert tracks and all(len(t['bboxes']) == 24 for t in tracks)
    # the blink events, as CSV and JSON, are the tracks' merged blinks
    with open(out / 'faces_blinks.json') as f:
        events = json.load(f)
    want = sorted((i, s, e) for i, t in enumerate(tracks)
                  for s, e, _ in t['blinks_converted'])
    assert want and sorted(
        (e['track_id'], e['start'], e['end']) for e in events) == want
    with open(out / 'faces_blinks.csv') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(events)
    assert float(rows[0]['end_s']) == pytest.approx(
        (events[0]['end'] + 1) / 12, abs=1e-3)
    assert '24 frames in' in capsys.readouterr().out


def test_demo_refuses_bad_sources(tmp_path):
    demo = _demo()
    bad = tmp_path / 'broken.mp4'
    bad.write_bytes(b'not a video at all' * 10)
    cases = [(str(tmp_path / 'missing.mp4'),
              f'error: no such video file: {tmp_path}/missing.mp4'),
             (str(bad), f'error: cannot open video {bad}'),
             ('97', 'error: cannot open camera 97')]
    for source, message in cases:
        with pytest.raises(SystemExit) as e:
            demo.main([source, CFG, '--out-dir', str(tmp_path / 'out')])
        assert str(e.value) in (message,
                                f'error: cannot read any frame from video '
                                f'{source}'), str(e.value)
