# Copyright (c) mmvb contributors. All rights reserved.
"""UCF101-24 / JHMDB51-21: converter, dataset and metric on tiny fake
releases (Python 2 ground-truth pickles and frame folders, as released)."""
import io
import json
import os
import os.path as osp
import pickle
import runpy
import struct
import sys
from contextlib import redirect_stdout
from unittest import mock

import cv2
import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.registry import DefaultScope

from mmvb.datasets import load_act_gt
from mmvb.evaluation import TubeFrameMAPMetric

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class _Py2Pickler(pickle._Pickler):
    """Writes ``bytes`` as Python 2 ``str`` (BINSTRING), as a Python 2
    ``cPickle.dump`` of the ACT ground truth does for numpy array data."""

    dispatch = pickle._Pickler.dispatch.copy()

    def _save_py2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = _save_py2_str


def _fake_release(root, name, gt_name, frame_dir, ext, splits):
    """Three videos of two classes; one tube has a row past the last frame
    and a box sticking out of the frame (both occur in the releases)."""
    height, width = 48, 64
    labels = ['Run', 'Jump']
    videos = {'Run/v_run_01': 0, 'Run/v_run_02': 0, 'Jump/v_jump_01': 1}
    gttubes, nframes, resolution = {}, {}, {}
    for v, (video, label) in enumerate(videos.items()):
        n = 6
        nframes[video] = n
        resolution[video] = (height, width)
        rows = [[f, 8 + f + 4 * v, 6, 30 + f + 4 * v, 40]
                for f in range(2, n + 1)]
        if v == 2:
            rows.append([n + 1, 8, 6, 30, 40])  # beyond the video
            rows[0][3] = 99  # x2 outside the 64-pixel frame
        gttubes[video] = {label: [np.array(rows, dtype=np.float32)]}
        for f in range(1, n + 1):
            img = np.full((height, width, 3), 40, np.uint8)
            if f > 1:
                x1, y1, x2, y2 = [int(c) for c in rows[f - 2][1:]]
                img[y1:y2, x1:min(x2, width)] = 200
            path = osp.join(root, frame_dir, video, f'{f:05d}.{ext}')
            os.makedirs(osp.dirname(path), exist_ok=True)
            cv2.imwrite(path, img)
    train, test = splits
    gt = dict(
        labels=labels,
        gttubes=gttubes,
        nframes=nframes,
        train_videos=train,
        test_videos=test,
        resolution=resolution)
    path = osp.join(root, gt_name)
    with open(path, 'wb') as f:
        _Py2Pickler(f, protocol=2).dump(gt)
    return gt


@pytest.fixture(scope='module')
def jhmdb(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('jhmdb'))
    splits = ([['Run/v_run_01', 'Jump/v_jump_01'],
               ['Run/v_run_02']], [['Run/v_run_02'],
                                   ['Run/v_run_01', 'Jump/v_jump_01']])
    _fake_release(root, 'jhmdb', 'JHMDB-GT.pkl', 'Frames', 'png', splits)
    return root


def test_release_pickle_needs_latin1(jhmdb):
    with open(osp.join(jhmdb, 'JHMDB-GT.pkl'), 'rb') as f:
        with pytest.raises(UnicodeDecodeError):
            pickle.load(f)
    gt = load_act_gt(osp.join(jhmdb, 'JHMDB-GT.pkl'))
    assert gt['gttubes']['Run/v_run_01'][0][0].shape == (5, 5)


def _convert(dataset, root, *args):
    """Run ``tools/data/convert_act_gt.py`` and return its JSON summary."""
    argv = ['convert_act_gt.py', dataset, root, *args]
    buf = io.StringIO()
    with mock.patch.object(sys, 'argv', argv), redirect_stdout(buf):
        runpy.run_path(
            osp.join(REPO, 'tools', 'data', 'convert_act_gt.py'),
            run_name='__main__')
    return json.loads(buf.getvalue())


def test_convert_jhmdb_and_load_dataset(jhmdb):
    summary = _convert('jhmdb', jhmdb)
    assert summary['rows_out_of_range'] == 1
    assert summary['boxes_clipped'] == 1
    assert summary['num_classes'] == 2 and summary['num_tubes'] == 3
    with open(osp.join(jhmdb, 'jhmdb_gt.pkl'), 'rb') as f:
        gt = pickle.load(f)  # a plain Python 3 pickle now
    tube = gt['gttubes']['Jump/v_jump_01'][1][0]
    assert tube.dtype == np.float32 and tube.shape == (5, 5)
    assert tube[:, 3].max() == 64  # clipped to the frame width
    assert [len(s) for s in gt['test_videos']] == [1, 2]

    pipeline = [
        dict(
            type='SampleAVAFrames',
            clip_len=4,
            frame_interval=1,
            test_mode=True),
        dict(type='RawFrameDecode'),
        dict(type='Resize', scale=(32, 32), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW', collapse=True),
        dict(type='PackActionInputs')
    ]
    with DefaultScope.overwrite_default_scope('mmaction'):
        train = DATASETS.build(
            dict(
                type='ActionTubeDataset',
                ann_file=osp.join(jhmdb, 'jhmdb_gt.pkl'),
                split=1,
                data_prefix=dict(img=osp.join(jhmdb, 'Frames')),
                filename_tmpl='{:05}.png',
                pipeline=pipeline))
        test = DATASETS.build(
            dict(
                type='ActionTubeDataset',
                ann_file=osp.join(jhmdb, 'jhmdb_gt.pkl'),
                split=1,
                data_prefix=dict(img=osp.join(jhmdb, 'Frames')),
                filename_tmpl='{:05}.png',
                pipeline=pipeline,
                num_classes=3,
                test_mode=True))
    # split 2 trains on 1 video (5 annotated frames of 6), tests on 2
    # videos, all 12 frames
    assert len(train) == 5 and len(test) == 12
    info = train.get_data_info(0)
    assert info['video_id'] == 'Run/v_run_02' and info['timestamp'] == 2
    assert info['gt_labels'].tolist() == [[0, 1, 0]]
    np.testing.assert_allclose(info['gt_bboxes'],
                               [[(8 + 2 + 4) / 64, 6 / 48, 36 / 64, 40 / 48]])

    # The clip is centred on the key frame's own file: frame 3 of the
    # video, whose bright box is the key frame's ground truth.
    sample = train[1]
    assert sample['data_samples'].metainfo['timestamp'] == 3
    clip = sample['inputs']  # [3, 4, 32, 32]; frames 1..4, centre index 2
    box = sample['data_samples'].gt_instances.bboxes[0].round().int()
    bright = clip[0, 2] > 120
    ys, xs = torch.nonzero(bright, as_tuple=True)
    assert abs(xs.min().item() - box[0].item()) <= 1
    assert abs(xs.max().item() + 1 - box[2].item()) <= 1

    # Frames without actors are test samples (frame 1 of each video).
    infos = [test.get_data_info(i) for i in range(len(test))]
    empty = [d for d in infos if len(d['gt_bboxes']) == 0]
    assert [d['timestamp'] for d in empty] == [1, 1]

    # Perfect detections of every test frame give frame-mAP 1.
    metric = TubeFrameMAPMetric(ann_file=osp.join(jhmdb, 'jhmdb_gt.pkl'))
    outputs = []
    for d in infos:
        scores = torch.zeros(len(d['gt_bboxes']), 3)
        scores[:, 1:] = torch.from_numpy(d['gt_labels'][:, 1:])
        outputs.append(
            dict(
                video_id=d['video_id'],
                timestamp=d['timestamp'],
                pred_instances=dict(
                    bboxes=torch.from_numpy(d['gt_bboxes']), scores=scores)))
    metric.process([], outputs)
    assert metric.compute_metrics(metric.results)['overall'] == 1.0


def test_convert_ucf101_24_checks_frames(tmp_path):
    root = str(tmp_path)
    splits = ([['Run/v_run_01', 'Jump/v_jump_01']], [['Run/v_run_02']])
    _fake_release(root, 'ucf', 'UCF101v2-GT.pkl', 'rgb-images', 'jpg', splits)
    summary = _convert('ucf101_24', root)
    assert summary['train_videos'] == [2] and summary['test_videos'] == [1]
    gt = load_act_gt(osp.join(root, 'ucf101_24_gt.pkl'))
    assert gt['labels'] == ['Run', 'Jump']
    assert gt['nframes']['Jump/v_jump_01'] == 6

    os.remove(osp.join(root, 'rgb-images', 'Run/v_run_02', '00006.jpg'))
    with pytest.raises(FileNotFoundError, match='missing frames'):
        _convert('ucf101_24', root)
    assert _convert('ucf101_24', root, '--skip-frame-check')['num_videos'] == 3


@pytest.mark.parametrize('damage, error, words', [
    (lambda gt: gt.pop('nframes'), ValueError, "missing keys ['nframes']"),
    (lambda gt: gt['gttubes']['Run/v_run_01'].update(
        {0: [np.zeros((3, 4), np.float32)]}), ValueError,
     "gttubes['Run/v_run_01'][0][0]: a tube is an [n, 5] array"),
    (lambda gt: gt['gttubes']['Run/v_run_01'].update(
        {7: [np.zeros((3, 5), np.float32)]}), ValueError,
     "gttubes['Run/v_run_01']: label 7 outside [0, 2)"),
    (lambda gt: gt['nframes'].pop('Run/v_run_02'), ValueError,
     "gttubes['Run/v_run_02']: video missing from nframes"),
])
def test_bad_pickle_names_file_and_key(jhmdb, tmp_path, damage, error, words):
    gt = load_act_gt(osp.join(jhmdb, 'JHMDB-GT.pkl'))
    damage(gt)
    path = str(tmp_path / 'bad.pkl')
    with open(path, 'wb') as f:
        pickle.dump(gt, f)
    with pytest.raises(error) as info:
        load_act_gt(path)
    assert path in str(info.value) and words in str(info.value)
