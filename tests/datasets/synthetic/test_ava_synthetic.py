# Copyright (c) mmvb contributors. All rights reserved.
import json
import os.path as osp
import pickle

import numpy as np
from mmaction.evaluation import read_labelmap
from mmaction.registry import DATASETS
from mmengine.registry import DefaultScope

from mmvb.datasets.synthetic import (AVA_SYNTHETIC_CLASSES, GENERATORS,
                                     generate_ava_dataset, render_ava_video)


def test_render_labels_follow_motion():
    for seed in range(6):
        frames, ann = render_ava_video(
            np.random.default_rng(seed), num_seconds=4, fps=8)
        assert frames.shape == (32, 96, 128, 3) and frames.dtype == np.uint8
        boxes = ann['boxes']  # [A, N, 4] pixels
        for actor, labels in zip(boxes, ann['labels']):
            move = labels[0]
            assert move in (1, 2, 3) and set(labels[1:]) <= {4, 5}
            dx = np.ptp((actor[:, 0] + actor[:, 2]) / 2)
            dy = np.ptp(actor[:, 3])
            if move == 1:  # stand: only jitter
                assert dx < 4 and dy < 4
            elif move == 2:  # walk: sideways
                assert dx > 10
            else:  # jump: up and down
                assert dy > 5


def test_generate_ava_format(tmp_path):
    root = str(tmp_path / 'ava')
    assert GENERATORS['ava'] is generate_ava_dataset
    info = generate_ava_dataset(
        root,
        num_train=2,
        num_val=5,
        num_seconds=4,
        progress=False,
        formats=('rawframes', 'videos'))
    assert info['num_classes'] == len(AVA_SYNTHETIC_CLASSES) + 1
    assert (info['fps'], info['timestamp_end']) == (8, 904)
    with open(info['label_file']) as f:
        labelmap, ids = read_labelmap(f)
    assert [c['name'] for c in labelmap] == list(AVA_SYNTHETIC_CLASSES)
    assert ids == {1, 2, 3, 4, 5}
    rows = open(info['val_ann']).read().splitlines()
    video, ts, x1, y1, x2, y2, label, person = rows[0].split(',')
    assert ts == '0901' and 0 <= float(x1) < float(x2) <= 1
    assert open(info['val_exclude']).read().splitlines() == ['val_00004,0902']
    with open(info['val_proposals'], 'rb') as f:
        proposals = pickle.load(f)
    assert proposals['val_00000,0901'].shape[1] == 5
    assert osp.isfile(
        osp.join(root, 'rawframes', 'train_00001', 'img_00032.jpg'))
    assert osp.isfile(osp.join(root, 'videos', 'val_00004.mp4'))
    with open(osp.join(root, 'meta.json')) as f:
        assert json.load(f)['classes'] == list(AVA_SYNTHETIC_CLASSES)

    # MMAction2's AVADataset reads it as AVA.
    pipeline = [
        dict(
            type='SampleAVAFrames',
            clip_len=4,
            frame_interval=2,
            test_mode=True),
        dict(type='RawFrameDecode'),
        dict(type='FormatShape', input_format='NCTHW', collapse=True),
        dict(type='PackActionInputs')
    ]
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(
            dict(
                type='AVADataset',
                ann_file=info['val_ann'],
                exclude_file=info['val_exclude'],
                label_file=info['label_file'],
                pipeline=pipeline,
                data_prefix=dict(img=osp.join(root, 'rawframes')),
                num_classes=info['num_classes'],
                fps=info['fps'],
                timestamp_start=info['timestamp_start'],
                timestamp_end=info['timestamp_end'],
                test_mode=True))
    assert len(dataset) == 5 * 2 - 1  # key frames 901, 902; one excluded
    sample = dataset[0]
    assert sample['inputs'].shape == (3, 4, 96, 128)
    gt = sample['data_samples'].gt_instances
    assert gt.labels.shape[1] == 6 and (gt.labels[:, 1:4].sum(1) == 1).all()
