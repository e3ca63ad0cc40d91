# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmcv import imwrite
from mmengine.registry import init_default_scope

from mmvb.datasets import VerbNounRawframeDataset, left_right_flip_label_map


def _write_frames(root, rel, n, tmpl='frame_{:010}.jpg'):
    for i in range(1, n + 1):
        imwrite(
            np.full((8, 10, 3), i, np.uint8),
            osp.join(root, rel, tmpl.format(i)))


def test_parse_and_load(tmp_path):
    init_default_scope('mmaction')
    root = str(tmp_path / 'rgb')
    _write_frames(root, 'P01/P01_01', 20)
    ann = tmp_path / 'list.txt'
    ann.write_text('P01/P01_01 4 6 3 10\nP01/P01_01 10 8 1 2\n'
                   'P01/P01_01 0 5\n')
    pipeline = [
        dict(
            type='SampleFrames',
            clip_len=1,
            frame_interval=1,
            num_clips=3,
            test_mode=True),
        dict(type='RawFrameDecode'),
        dict(type='FormatShape', input_format='NCHW'),
        dict(type='PackActionInputs')
    ]
    dataset = DATASETS.build(
        dict(
            type='VerbNounRawframeDataset',
            ann_file=str(ann),
            pipeline=pipeline,
            data_prefix=dict(img=root),
            filename_tmpl='frame_{:010}.jpg',
            with_offset=True))
    assert isinstance(dataset, VerbNounRawframeDataset)
    assert len(dataset) == 3
    info = dataset.get_data_info(0)
    assert info['frame_dir'] == osp.join(root, 'P01/P01_01')
    assert (info['offset'], info['total_frames'], info['label']) == (4, 6,
                                                                     [3, 10])
    assert dataset.get_data_info(2)['label'] == [-1, -1]
    sample = dataset[0]
    assert sample['data_samples'].gt_label.tolist() == [3, 10]
    # frames 5..10 (offset 4, start_index 1); test-mode sampling picks
    # the middle of 3 equal parts: indices 2, 4, 6 -> files 6, 8, 10
    values = sample['inputs'][:, 0, 0, 0].tolist()
    assert values == [6, 8, 10]


def test_bad_lines(tmp_path):
    ann = tmp_path / 'list.txt'
    ann.write_text('P01/P01_01 4 6 3\n')
    with pytest.raises(ValueError, match='expected'):
        VerbNounRawframeDataset(str(ann), [], with_offset=True)
    with pytest.raises(ValueError, match='multi_class'):
        VerbNounRawframeDataset(str(ann), [], multi_class=True)


def test_left_right_flip_label_map():
    names = [
        'Holding something', 'Pushing something from left to right',
        'Turning the camera left while filming something',
        'Pushing something from right to left',
        'Turning the camera right while filming something',
        'Moving something right', 'Showing that something is empty'
    ]
    assert left_right_flip_label_map(names) == {1: 3, 3: 1, 2: 4, 4: 2}
