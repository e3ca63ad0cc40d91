# Copyright (c) mmvb contributors. All rights reserved.
"""W3 learns the synthetic temporal-order set: the CPU config reaches at
least 90 % top-1 with tools/train.py in about a minute of one CPU thread
(see configs/w3/README.md for the measured run and the W3-off baseline)."""
import glob
import json
import os.path as osp

import pytest

from mmvb.datasets.synthetic import generate_motion_dataset

CONFIG = osp.join('configs', 'w3',
                  'w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.py')


def last_val_top1(work_dir):
    paths = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    assert len(paths) == 1, paths
    with open(paths[0]) as f:
        records = [json.loads(line) for line in f]
    vals = [r['acc/top1'] for r in records if 'acc/top1' in r]
    assert vals, 'no validation result'
    return vals[-1]


@pytest.mark.slow
def test_w3_synthetic_reaches_90(tmp_path, run_tool):
    data = str(tmp_path / 'motion')
    generate_motion_dataset(data, progress=False)  # the default set
    work_dir = str(tmp_path / 'work')
    options = [
        f'train_dataloader.dataset.ann_file={data}/train_list_videos.txt',
        f'train_dataloader.dataset.data_prefix.video={data}',
        f'val_dataloader.dataset.ann_file={data}/val_list_videos.txt',
        f'val_dataloader.dataset.data_prefix.video={data}',
    ]
    # run_tool: one OpenMP thread (W3's small ops only contend with more)
    run_tool([
        osp.join('tools', 'train.py'), CONFIG, '--work-dir', work_dir,
        '--seed', '0', '--cfg-options'
    ] + options)
    assert last_val_top1(work_dir) >= 0.9
