# Copyright (c) mmvb contributors. All rights reserved.
"""Bad AVA annotation rows fail with their file, line and column."""
import re

import pytest
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from mmvb.datasets import check_ava_csv, check_ava_exclude_file

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
