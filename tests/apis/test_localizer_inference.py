# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
import runpy
import sys
from unittest import mock

import cv2
import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import Resize, SampleAVAFrames
from mmengine.config import Config
from mmengine.runner import save_checkpoint

from mmvb.apis import (clip_indices, clip_settings, draw_detections,
                       inference_localizer, init_localizer)
from mmvb.apis.localizer_inference import _resized_shape
from mmvb.datasets.synthetic import (AVA_SYNTHETIC_CLASSES, render_ava_video,
                                     write_video)
from mmvb.testing import get_config_path

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SYNTHETIC = ('bmvit/bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_'
             'synthetic-ava-rgb-96px.py')


@pytest.mark.parametrize('key', [0, 3, 5, 7])
def test_clip_indices_match_sample_ava_frames(key):
    """Same frames as SampleAVAFrames(test_mode=True) on a video of 8
    frames (fps 1, timestamps = frame index, frames counted from 0)."""
    sample = SampleAVAFrames(clip_len=4, frame_interval=2, test_mode=True)
    ref = sample(
        dict(
            fps=1,
            timestamp=key,
            timestamp_start=0,
            start_index=0,
            total_frames=8))['frame_inds']
    assert clip_indices(key, 8, 4, 2).tolist() == ref.tolist()
    assert clip_indices(5, 8, 4, 2).tolist() == [1, 3, 5, 7]


@pytest.mark.parametrize('scale, keep_ratio', [((96, 96), False),
                                               ((-1, 64), True),
                                               ((200, 64), True)])
def test_resized_shape_matches_mmaction_resize(scale, keep_ratio):
    results = dict(
        imgs=[np.zeros((90, 160, 3), np.uint8)],
        img_shape=(90, 160),
        modality='RGB')
    out = Resize(scale=scale, keep_ratio=keep_ratio)(results)
    assert _resized_shape(90, 160, scale, keep_ratio) == out['img_shape']


@pytest.fixture(scope='module')
def tiny_model_files(tmp_path_factory):
    """The synthetic config's model with random weights, saved."""
    root = tmp_path_factory.mktemp('demo')
    torch.manual_seed(0)
    model = init_localizer(get_config_path(SYNTHETIC))
    ckpt = str(root / 'random.pth')
    save_checkpoint(model.state_dict(), ckpt)
    frames, _ = render_ava_video(
        np.random.default_rng(0), num_seconds=3, fps=8)
    video = str(root / 'in.mp4')
    write_video(video, frames, fps=8)
    return root, ckpt, video, frames


def test_inference_localizer_boxes_in_frame_pixels(tiny_model_files):
    _, ckpt, _, frames = tiny_model_files
    model = init_localizer(get_config_path(SYNTHETIC), ckpt)
    assert clip_settings(model.cfg) == dict(
        clip_len=8, frame_interval=2, scale=(96, 96), keep_ratio=False)
    model.head.actor_thr = 0.0
    results = inference_localizer(model, frames, [4, 12])
    assert len(results) == 2
    height, width = frames[0].shape[:2]
    boxes = results[0].bboxes
    assert boxes.shape == (36, 4)  # C+T: 6 x 6 token pairs
    assert boxes[:, 2].max() <= width and boxes[:, 3].max() <= height
    assert results[0].scores.shape == (36, len(AVA_SYNTHETIC_CLASSES) + 1)

    drawn = draw_detections(frames[4], results[0][:2], {1: 'stand'}, topk=2)
    assert drawn.shape == frames[4].shape
    assert (drawn != frames[4]).any()


def test_demo_writes_annotated_video(tiny_model_files, capsys):
    root, ckpt, video, frames = tiny_model_files
    out = str(root / 'out.mp4')
    labels = root / 'labels.txt'
    labels.write_text('\n'.join(AVA_SYNTHETIC_CLASSES) + '\n')
    argv = [
        'demo_bmvit.py', video,
        get_config_path(SYNTHETIC), ckpt, out, '--actor-thr', '0.0',
        '--label-map',
        str(labels), '--score-thr', '0.0', '--topk', '0'
    ]
    with mock.patch.object(sys, 'argv', argv):
        runpy.run_path(
            osp.join(REPO, 'demo', 'demo_bmvit.py'), run_name='__main__')
    assert '24 frames, 3 key frames' in capsys.readouterr().out
    cap = cv2.VideoCapture(out)
    written = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        written.append(frame)
    cap.release()
    assert len(written) == len(frames)
    assert written[0].shape == frames[0].shape
    # Green boxes are drawn on every frame.
    green = [(f[..., 1].astype(int) - f[..., [0, 2]].max(-1) > 80)
             for f in written]
    assert all(g.sum() > 50 for g in green)


def test_demo_label_map_missing_is_an_error(tiny_model_files, tmp_path,
                                            monkeypatch):
    root, ckpt, video, _ = tiny_model_files
    demo = osp.join(REPO, 'demo', 'demo_bmvit.py')
    missing = str(tmp_path / 'nowhere' / 'labels.pbtxt')
    argv = [
        'demo_bmvit.py', video,
        get_config_path(SYNTHETIC), ckpt,
        str(tmp_path / 'out.mp4'), '--label-map', missing
    ]
    with mock.patch.object(sys, 'argv', argv), \
            pytest.raises(FileNotFoundError, match=f'label map {missing}'):
        runpy.run_path(demo, run_name='__main__')
    assert not (tmp_path / 'out.mp4').exists()

    funcs = runpy.run_path(demo)  # the functions, without running main
    cfg = Config.fromfile(get_config_path(SYNTHETIC))
    args = funcs['argparse'].Namespace(
        config='cfg.py', label_map=None, no_labels=False)
    # default: the config's label file, relative to the data root
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
            FileNotFoundError,
            match='data/synthetic/ava/annotations/ava_action_list'):
        funcs['class_names_for'](args, cfg)
    args.no_labels = True
    assert funcs['class_names_for'](args, cfg) == {}
    cfg.test_evaluator.pop('label_file')
    args.no_labels = False
    with pytest.raises(ValueError, match='cfg.py names no label map'):
        funcs['class_names_for'](args, cfg)


def test_init_localizer_takes_a_config_object():
    cfg = Config.fromfile(get_config_path(SYNTHETIC))
    model = init_localizer(cfg)
    assert model.cfg is cfg and not model.training
