# Copyright (c) mmvb contributors. All rights reserved.
"""Bad AVA annotation rows fail with their file, line and column; the
published files load."""
import os.path as osp
import re

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from mmvb.datasets import (check_ava_csv, check_ava_exclude_file,
                           check_ava_label_file)

GOOD = [
    'vid_a,0902,0.1,0.2,0.5,0.9,12,0', 'vid_a,0902,0.1,0.2,0.5,0.9,80,0',
    'vid_b,0903,0.0,0.0,1.0,1.0,1,3'
]


def _write(tmp_path, rows, name='ann.csv'):
    path = tmp_path / name
    path.write_text('\n'.join(rows) + '\n')
    return str(path)


def test_good_file_counts_rows(tmp_path):
    assert check_ava_csv(_write(tmp_path, GOOD), num_classes=81) == 3
    assert check_ava_exclude_file(_write(tmp_path, ['vid_a,0904'],
                                         'ex.csv')) == 1


@pytest.mark.parametrize(
    'bad, column, words',
    [
        ('vid_c,0902,0.1,0.2,0.5,0.9,12', None, None),  # 7 columns are fine
        ('vid_c,09x2,0.1,0.2,0.5,0.9,12,0', 'timestamp', 'not an integer'),
        ('vid_c,0902,0.1,abc,0.5,0.9,12,0', 'y1', 'not a number'),
        ('vid_c,0902,0.1,0.2,0.5,1.9,12,0', 'y2', 'outside [0, 1]'),
        ('vid_c,0902,0.6,0.2,0.5,0.9,12,0', 'x2', 'not right of'),
        ('vid_c,0902,0.1,0.2,0.5,0.9,81,0', 'action_id', 'outside [1, 80]'),
        ('vid_c,0902,0.1,0.2,0.5,0.9,0,0', 'action_id', 'outside [1, 80]'),
        ('vid_c,0902,0.1,0.2,0.5,0.9,12,', 'person_id', 'not an integer'),
        ('vid_c,0902,0.1,0.2,0.5', 'None', 'expected 8'),
    ])
def test_bad_row_names_file_line_and_column(tmp_path, bad, column, words):
    path = _write(tmp_path, GOOD[:2] + [bad] + GOOD[2:])
    if column is None:
        assert check_ava_csv(path) == 4
        return
    with pytest.raises(ValueError) as info:
        check_ava_csv(path, num_classes=81)
    msg = str(info.value)
    assert msg.startswith(f'{path}:3')
    if column != 'None':
        assert f"column '{column}'" in msg
    assert words in msg and bad in msg


def test_bad_exclude_row(tmp_path):
    path = _write(tmp_path, ['vid_a,0904', 'vid_a,09o5'], 'ex.csv')
    with pytest.raises(
            ValueError, match=re.escape(f'{path}:2: column '
                                        "'timestamp'")):
        check_ava_exclude_file(path)


def test_dataset_checks_before_loading(tmp_path):
    init_default_scope('mmaction')
    good = _write(tmp_path, GOOD)
    cfg = dict(
        type='CheckedAVADataset',
        ann_file=good,
        pipeline=[],
        num_classes=81,
        data_prefix=dict(img=str(tmp_path)))
    dataset = DATASETS.build(cfg)
    assert len(dataset) == 2  # two key frames
    labels = dataset.get_data_info(0)['gt_labels']  # one actor, multi-hot
    assert labels.shape == (1, 81) and labels[0].nonzero()[0].tolist() == [
        12, 80
    ]
    bad = _write(tmp_path, GOOD + ['vid_b,0903,0.0,0.0,1.0,1.0,81,4'],
                 'bad.csv')
    with pytest.raises(ValueError, match=re.escape(f'{bad}:4')):
        DATASETS.build(dict(cfg, ann_file=bad))
    with pytest.raises(ValueError, match='outside'):  # the 22-class set
        DATASETS.build(dict(cfg, ann_file=good, num_classes=22))


# The published files (tests/data/README.md): the first 20 rows of AVA
# v2.2's ava_val_v2.2.csv and MMAction2's sample files. Values read by hand.
AVA = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'ava')
REAL_CSV = osp.join(AVA, 'ava_val_v2.2.csv')


def test_release_excerpt():
    assert check_ava_csv(REAL_CSV) == 20
    exclude = osp.join(AVA, 'ava_excluded_timestamps_sample.csv')
    assert check_ava_exclude_file(exclude) == 2
    action_list = osp.join(AVA, 'action_list.txt')
    assert check_ava_label_file(action_list) == {
        12: 'action1',
        17: 'action2',
        79: 'action3',
        80: 'action3'
    }
    init_default_scope('mmaction')
    dataset = DATASETS.build(
        dict(
            type='CheckedAVADataset',
            ann_file=REAL_CSV,
            exclude_file=exclude,
            label_file=action_list,
            pipeline=[],
            num_classes=81,
            data_prefix=dict(img='frames')))
    assert len(dataset) == 7  # key frames 902 ... 908 of 1j20qq1JyX4
    info = dataset.get_data_info(0)
    assert (info['img_key'], info['timestamp']) == ('1j20qq1JyX4,0902', 902)
    np.testing.assert_allclose(
        info['gt_bboxes'],
        [[0.002, 0.118, 0.714, 0.977], [0.444, 0.054, 0.992, 0.990]])
    assert info['entity_ids'].tolist() == [1, 0]
    assert [row.nonzero()[0].tolist()
            for row in info['gt_labels']] == [[12, 79], [12, 17, 79]]
    last = dataset.get_data_info(6)  # 0908: one row, action 12, person 4
    assert last['timestamp'] == 908 and last['entity_ids'].tolist() == [4]
    # the "id: name" map of MMAction2's tools/data/ava is not an action list
    with pytest.raises(ValueError, match='no class read'):
        DATASETS.build(
            dict(
                type='CheckedAVADataset',
                ann_file=REAL_CSV,
                label_file=osp.join(AVA, 'label_map.txt'),
                pipeline=[],
                num_classes=61,
                custom_classes=list(range(1, 61))))
    with open(osp.join(AVA, 'label_map.txt')) as f:
        assert len(f.read().splitlines()) == 60  # the evaluated classes


@pytest.mark.parametrize(
    'old, new, column, words',
    [
        ('0.002,0.118,0.714,0.977,12,1', '0.002,0.118,1.714,0.977,12,1', 'x2',
         'outside [0, 1]'),
        ('0.002,0.118,0.714,0.977,12,1', '0.002,0.118,0.714,0.977,81,1',
         'action_id', 'outside [1, 80]'),
        ('1j20qq1JyX4,0902,0.002,0.118,0.714,0.977,12,1',
         '0902,1j20qq1JyX4,0.002,0.118,0.714,0.977,12,1', 'timestamp',
         "'1j20qq1JyX4' is not an integer"),
        # a lost column reads as a shifted row (7 columns are allowed: the
        # detection-only files have no person_id)
        ('0.002,0.118,0.714,0.977,12,1', '0.002,0.118,0.714,12,1', 'y2',
         '12.0 is outside [0, 1]'),
        ('0.002,0.118,0.714,0.977,12,1', '0.002,0.118,0.714,1', None,
         'expected 8 comma-separated columns'),
    ])
def test_mutated_release_rows(tmp_path, old, new, column, words):
    with open(REAL_CSV) as f:
        text = f.read()
    path = str(tmp_path / 'ava_val_v2.2.csv')
    with open(path, 'w') as f:
        f.write(text.replace(old, new, 1))
    with pytest.raises(ValueError) as err:
        check_ava_csv(path)
    where = f'{path}:1' + ('' if column is None else f": column '{column}'")
    assert str(err.value).startswith(where) and words in str(err.value)
