# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from mmvb.evaluation import HUSTLEBWMetric
from mmvb.testing import write_fake_hust_lebw

PIPELINE = [
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(64, 36), keep_ratio=True),
    dict(type='FormatShape', input_format='NCHW'),
    dict(
        type='PackMPEblinkInputs',
        meta_keys=('img_shape', 'blink_label', 'sample_index', 'eye'))
]


def test_hust_lebw_dataset(tmp_path):
    write_fake_hust_lebw(str(tmp_path))
    init_default_scope('mmaction')
    left = DATASETS.build(
        dict(
            type='HUSTLEBWDataset',
            ann_file=str(tmp_path),
            eye='left',
            pipeline=PIPELINE))
    assert len(left) == 3
    data = left[0]
    sample = data['data_samples']
    # 32x40 crops rescaled keeping the ratio (mmcv: short edge <= 36,
    # long edge <= 64): 36x45
    assert data['inputs'].shape == (4, 3, 45, 36)
    assert sample.blink_label == 1 and sample.eye == 'left'
    gt = sample.gt_instances
    torch.testing.assert_close(
        gt.bboxes[0, 0], torch.tensor([0, 0, 36., 45.]), atol=0.5, rtol=0)
    assert gt.blinks.tolist() == [[1.0] * 4] and gt.valid.all()
    assert left[1]['data_samples'].gt_instances.blinks.sum() == 0
    both = DATASETS.build(
        dict(
            type='HUSTLEBWDataset',
            ann_file=str(tmp_path),
            eye='both',
            pipeline=PIPELINE,
            test_mode=True))
    assert len(both) == 6
    assert [both.get_data_info(i)['blink_label']
            for i in range(6)] == [1, 0, 0, 1, 1, 0]
    with pytest.raises(AssertionError):
        DATASETS.build(
            dict(
                type='HUSTLEBWDataset',
                ann_file=str(tmp_path),
                eye='up',
                pipeline=PIPELINE))


def test_hust_lebw_metric():
    metric = HUSTLEBWMetric(blink_thr=0.3)

    def sample(index, label, blink_scores, scores=(0.9, 0.2)):
        return dict(
            sample_index=index,
            blink_label=label,
            pred_instances=dict(
                scores=torch.tensor(scores),
                blink_scores=torch.tensor(blink_scores)))

    metric.process(
        None,
        [
            sample(0, 1, [[0.1, 0.5], [0.0, 0.0]]),  # TP
            sample(1, 1, [[0.1, 0.2], [0.9, 0.9]]),  # FN: 2nd query ignored
            sample(2, 0, [[0.4, 0.0], [0.0, 0.0]]),  # FP
            sample(3, 0, [[0.0, 0.0], [0.0, 0.0]]),  # TN
            sample(3, 0, [[0.0, 0.0], [0.0, 0.0]]),  # padding duplicate
        ])
    res = metric.compute_metrics(metric.results)
    assert res == dict(recall=0.5, precision=0.5, f1=0.5)
