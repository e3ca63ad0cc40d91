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


@pytest.mark.parametrize('line, column, words', [
    ('2 check/m/s/10/1.bmp', 1, 'label, 0 or 1'),
    ('1', None, 'no frames'),
    ('1 check/m/s/10/1.bmp check/m/t/10/2.bmp', None, 'share a folder'),
    ('0 check/m/s/10/1.bmp check/m/s/10/2.jpg', 3, "'check/m/s/10/2.jpg'"),
])
def test_hust_lebw_bad_list_line(tmp_path, line, column, words):
    """No public copy of the list files exists; the format is the one the
    official loader (wenzhengzeng/blink_eyelid) reads. A bad line names the
    list file, line and cell."""
    from mmvb.datasets.annotation_io import AnnotationError
    write_fake_hust_lebw(str(tmp_path))
    path = tmp_path / 'check' / 'gt_non_blink_left.txt'
    lines = path.read_text().splitlines()
    path.write_text('\n'.join(lines + [line]) + '\n')
    init_default_scope('mmaction')
    with pytest.raises(AnnotationError) as err:
        DATASETS.build(
            dict(
                type='HUSTLEBWDataset',
                ann_file=str(tmp_path),
                eye='left',
                pipeline=[]))
    assert (err.value.path, err.value.line, err.value.column) == \
        (str(path), len(lines) + 1, column)
    assert words in str(err.value)
