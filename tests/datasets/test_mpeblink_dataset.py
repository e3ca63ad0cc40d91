# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from mmvb.datasets import official_train_clip, video_clip_starts
from mmvb.testing import write_fake_mpeblink_release

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('mpeblink'))
    write_fake_mpeblink_release(root)
    spec = importlib.util.spec_from_file_location(
        'convert_mpeblink',
        osp.join(ROOT, 'tools', 'data', 'mpeblink', 'convert_mpeblink.py'))
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    conv.main([root, '--size', '160', '80', '--no-progress'])
    return root


def test_video_clip_starts():
    assert video_clip_starts(10) == [(0, 10)]
    assert video_clip_starts(36) == [(0, 36)]
    assert video_clip_starts(37) == [(0, 36), (1, 36)]
    assert video_clip_starts(54) == [(0, 36), (18, 36)]
    assert video_clip_starts(60) == [(0, 36), (18, 36), (24, 36)]
    assert video_clip_starts(100) == [(0, 36), (18, 36), (36, 36), (54, 36),
                                      (64, 36)]


def test_official_train_clip():
    eligible = np.arange(0, 30)
    s = frozenset(eligible.tolist())
    # centre 10, 5 frames on each side every 2nd frame
    assert official_train_clip(10, eligible, s, 11, 2) == list(range(0, 21, 2))
    # near the start: missing past frames repeat the first eligible frame
    assert official_train_clip(3, eligible, s, 11,
                               2) == [0, 0, 0, 0, 1, 3, 5, 7, 9, 11, 13]
    # a face-less gap (6, 7): the missing frame is replaced by the
    # video's first eligible frame (the official quirk)
    eligible = np.array([0, 1, 2, 3, 4, 5, 8, 9, 10])
    s = frozenset(eligible.tolist())
    assert official_train_clip(9, eligible, s, 5, 1) == [0, 8, 9, 10, 10]


def _pipeline(size=(160, 80)):
    return [
        dict(type='RawFrameDecode'),
        dict(type='Resize', scale=size, keep_ratio=False),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='PackMPEblinkInputs')
    ]


def _dataset(root, pipeline, **kwargs):
    """The converted fake test split."""
    init_default_scope('mmaction')
    return DATASETS.build(
        dict(
            type='MPEblinkDataset',
            ann_file=f'{root}/annotations/test.json',
            data_prefix=dict(img=f'{root}/test_rawframes'),
            pipeline=pipeline,
            **kwargs))


def test_train_samples(converted):
    ds = _dataset(
        converted, _pipeline((320, 160)), clip_len=3, frame_interval=1)
    # every frame of both videos has a face: 6 + 6 clip centres
    assert len(ds) == 12
    data = ds[4]  # video 3, centre frame 4: frames 3, 4, 5
    sample = data['data_samples']
    assert data['inputs'].shape == (3, 3, 160, 320)
    assert sample.frame_inds.tolist() == [3, 4, 5]
    gt = sample.gt_instances
    assert gt.ids.tolist() == [1, 2]
    assert gt.valid.tolist() == [[True, False, True], [True, True, True]]
    # boxes: converted to 160x80 (x2), resized to 320x160 (x2) -> x4
    torch.testing.assert_close(gt.bboxes[0, 0],
                               torch.tensor([32., 16., 96., 96.]))
    torch.testing.assert_close(gt.bboxes[1, 2],
                               torch.tensor([160., 32., 240., 112.]))
    assert gt.blinks.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert sample.img_shape == (160, 320)
    # centre 1 of video 3: person b is absent in frames 0-1 -> only a
    first = ds[1]['data_samples']
    assert first.gt_instances.ids.tolist() == [1, 2]
    assert first.gt_instances.valid[1].tolist() == [False, False, True]
    assert first.gt_instances.blinks[0].tolist() == [0, 1, 1]


def test_flip_is_clip_consistent(converted):
    pipeline = _pipeline()
    pipeline.insert(2, dict(type='Flip', flip_ratio=1.0))
    ds = _dataset(converted, pipeline, clip_len=3, frame_interval=1)
    plain = _dataset(converted, _pipeline(), clip_len=3, frame_interval=1)
    flipped, orig = ds[4], plain[4]
    torch.testing.assert_close(flipped['inputs'], orig['inputs'].flip(-1))
    box = orig['data_samples'].gt_instances.bboxes[0, 0]
    fbox = flipped['data_samples'].gt_instances.bboxes[0, 0]
    torch.testing.assert_close(
        fbox, torch.stack([160 - box[2], box[1], 160 - box[0], box[3]]))


def test_test_clips(converted):
    ds = _dataset(
        converted, _pipeline(), test_clip_len=4, test_stride=2, test_mode=True)
    # 6 frames, clips of 4 with stride 2: starts 0, 2 per video
    assert len(ds) == 4
    sample = ds[1]['data_samples']
    assert (sample.video_id, sample.clip_start, sample.clip_index,
            sample.num_clips, sample.video_length) == (3, 2, 1, 2, 6)
    assert 'gt_instances' not in sample
    assert ds[1]['inputs'].shape == (4, 3, 80, 160)
