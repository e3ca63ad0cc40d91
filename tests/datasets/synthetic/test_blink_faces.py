# Copyright (c) mmvb contributors. All rights reserved.
import json

import cv2
import numpy as np

from mmvb.datasets.synthetic import (GENERATORS, generate_blink_dataset,
                                     render_blink_video)
from mmvb.datasets.synthetic.blink_faces import _draw_face


def _persons(annote):
    return {k: v for k, v in annote.items() if isinstance(v, dict)}


def test_render_annotations_are_consistent():
    seen_absent = seen_blink = seen_partial = False
    for seed in range(12):
        frames, annote = render_blink_video(
            np.random.default_rng(seed), num_frames=40, max_faces=3)
        assert frames.shape == (40, 96, 160, 3) and frames.dtype == np.uint8
        assert (annote['height'], annote['width'],
                annote['length']) == (96, 160, 40)
        for person in _persons(annote).values():
            assert len(person['bbox']) == len(person['landmark']) == 40
            present = np.array([b is not None for b in person['bbox']])
            seen_absent |= not present.all()
            seen_partial |= present.any() and not present.all()
            for box, points in zip(person['bbox'], person['landmark']):
                assert (box is None) == (points is None)
                if box is not None:
                    x, y, w, h = box
                    assert w > 0 and h > 0 and x >= 0 and y >= 0
                    assert x + w <= 160.01 and y + h <= 96.01
                    assert len(points) == 68
            for s, e in person['blink']:
                seen_blink = True
                assert 0 <= s <= e < 40 and present[s:e + 1].all()
    # faces enter / leave / get occluded and blink somewhere in the set
    assert seen_absent and seen_partial and seen_blink


def test_eyes_close_during_blinks():
    skin, hair, iris = (
        np.array(c) for c in ([200, 150, 120], [40, 20, 10], [30, 90, 150]))
    whites = []
    for openness in (1.0, 0.5, 0.0):
        img = np.zeros((96, 160, 3), np.uint8)
        mask = _draw_face(img, 80, 48, 44, skin, hair, iris, openness)
        assert mask.sum() > 0.7 * np.pi * 16.5 * 22  # the face ellipse
        whites.append(int((img.min(-1) > 190).sum()))
    # open eyes show white sclera; half-closed less; closed none
    assert whites[0] > 2 * whites[1] > 0 and whites[2] == 0


def test_generate_release_layout(tmp_path):
    assert GENERATORS['blink'] is generate_blink_dataset
    counts = generate_blink_dataset(
        str(tmp_path),
        num_train=2,
        num_val=1,
        num_test=1,
        num_frames=(12, 14),
        progress=False,
        seed=5)
    assert counts['train']['videos'] == 2
    video = tmp_path / 'test' / '200000'
    with open(video / 'annote.json') as f:
        annote = json.load(f)
    cap = cv2.VideoCapture(str(video / 'video.mp4'))
    n = 0
    while cap.read()[0]:
        n += 1
    assert n == annote['length']
    # the same seed writes the same annotations
    generate_blink_dataset(
        str(tmp_path / 'again'),
        num_train=2,
        num_val=1,
        num_test=1,
        num_frames=(12, 14),
        progress=False,
        seed=5)
    with open(tmp_path / 'again' / 'test' / '200000' / 'annote.json') as f:
        assert json.load(f) == annote
