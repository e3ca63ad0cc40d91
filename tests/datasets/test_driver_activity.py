# Copyright (c) mmvb contributors. All rights reserved.
"""The driver-activity annotation format, its dataset and loading
transforms, and the synthetic driver-activity generator."""
import json
import os.path as osp

import decord
import numpy as np
import pytest

from mmvb.datasets import (DecodeDriverClip, DriverActivityDataset,
                           LoadClipFeatures, SampleAllFrames,
                           dump_driver_annotations, make_subject_folds,
                           natural_key, window_clips)
from mmvb.datasets.synthetic import (DRIVER_CLASSES, generate_driver_dataset,
                                     render_driver_clip)
from mmvb.datasets.synthetic.driver import activity_events, subject_appearance
from mmvb.utils import register_all_modules


def setup_module():
    register_all_modules()


def test_make_subject_folds():
    subjects = [f'p{i:02d}' for i in range(10)]
    folds = make_subject_folds(
        subjects, 4, test_size=3, first_test=('p07', 'p03', 'x'))
    assert folds[0]['test'] == ['p07', 'p03']
    assert [f['test'] for f in folds[1:]] == [['p00', 'p01', 'p02'],
                                              ['p04', 'p05', 'p06'],
                                              ['p08', 'p09']]
    for fold in folds:
        assert fold['val'] == fold['test']
        assert sorted(fold['train'] + fold['test']) == subjects
    folds = make_subject_folds(subjects, 3)  # round robin, all tested once
    assert sorted(sum((f['test'] for f in folds), [])) == subjects


def test_window_clips_and_natural_key():
    assert window_clips(10, None) == [(0, 10)]
    assert window_clips(10, 4) == [(0, 4), (4, 4), (8, 2)]
    assert window_clips(10, 4, min_frames=3) == [(0, 4), (4, 4)]
    assert sorted(['10.jpg', '2.jpg', '1.jpg'], key=natural_key) == \
        ['1.jpg', '2.jpg', '10.jpg']


def _annotations(tmp_path):
    data = [
        dict(id='a', subject='s1', label=0, source='image', path='a.jpg'),
        dict(
            id='b',
            subject='s2',
            label=1,
            source='frames',
            path='f',
            frames=['0.jpg', '1.jpg', '2.jpg']),
        dict(
            id='c',
            subject='s3',
            label=1,
            source='video',
            path='v.mp4',
            start_frame=5,
            num_frames=4,
            frame_stride=3),
    ]
    folds = [
        dict(train=['s1', 's2'], val=['s3'], test=['s3']),
        dict(train=['s3'], val=['s1'], test=['s1', 's2'])
    ]
    path = str(tmp_path / 'ann.json')
    summary = dump_driver_annotations(
        path, 'toy', ['x', 'y'], data, folds, protocol='toy')
    assert summary == dict(
        num_samples=3, num_folds=2, fold0_train=2, fold0_val=1, fold0_test=1)
    return path


def test_dataset_selects_fold_and_split(tmp_path):
    path = _annotations(tmp_path)
    ds = DriverActivityDataset(
        path,
        pipeline=[],
        fold=1,
        split='test',
        data_prefix=dict(video='/data'),
        feature_root='/feats')
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert [i['sample_id'] for i in infos] == ['a', 'b']
    assert infos[0]['filename'] == '/data/a.jpg'
    assert infos[0]['total_frames'] == 1
    assert infos[1]['total_frames'] == 3 and infos[1]['start_index'] == 0
    assert infos[1]['feature_path'] == '/feats/b.npy'
    assert ds.metainfo['classes'] == ['x', 'y']
    assert 'folds' not in ds.metainfo
    everything = DriverActivityDataset(path, pipeline=[], split=None)
    video = everything.get_data_info(2)
    assert (video['total_frames'], video['start_frame'],
            video['frame_stride']) == (4, 5, 3)
    with pytest.raises(ValueError, match='fold 5'):
        DriverActivityDataset(path, pipeline=[], fold=5, split='train')
    with pytest.raises(ValueError, match="no 'dev' split"):
        DriverActivityDataset(path, pipeline=[], split='dev')
    with pytest.raises(AssertionError):
        dump_driver_annotations(
            str(tmp_path / 'bad.json'),
            'toy', ['x'],
            [dict(id='a', subject='s', label=3, source='image', path='a')], [],
            protocol='')


def test_load_clip_features(tmp_path):
    feats = np.arange(20, dtype=np.float16).reshape(5, 4)
    path = str(tmp_path / 'x.npy')
    np.save(path, feats)
    results = SampleAllFrames()(dict(total_frames=5, start_index=0))
    assert results['frame_inds'].tolist() == [0, 1, 2, 3, 4]
    out = LoadClipFeatures()(
        dict(
            feature_path=path,
            frame_inds=np.array([4, 0, 2, 2]),
            num_clips=2,
            clip_len=2,
            start_index=0))
    assert out['imgs'].dtype == np.float32
    assert out['imgs'].tolist() == [[feats[4].tolist(), feats[0].tolist()],
                                    [feats[2].tolist(), feats[2].tolist()]]


def test_synthetic_driver_events():
    rng = np.random.default_rng(0)
    for label, name in enumerate(DRIVER_CLASSES):
        for _ in range(20):
            events = activity_events(label, rng)
            for e in events:
                assert 0 <= e['start'] and e['start'] + 0.2 + e['hold'] <= 1
            two_events = ('then_reach', 'then_look', 'then_touch',
                          'then_glance')
            if name.endswith(two_events):
                first, second = events
                # a quarter of the clip between the two events
                assert second['start'] - (first['start'] + 0.2 +
                                          first['hold']) >= 0.2
    # order pairs share their events
    pair = [activity_events(k, np.random.default_rng(1)) for k in (3, 4)]
    assert [(e['part'], e['target']) for e in pair[0]] == \
        [(e['part'], e['target']) for e in pair[1]][::-1]
    with pytest.raises(ValueError):
        activity_events(8, rng)
    subject = subject_appearance(np.random.default_rng(0))
    clip = render_driver_clip(1, subject, rng, num_frames=6, size=24)
    assert clip.shape == (6, 24, 24, 3) and clip.dtype == np.uint8


def test_generate_driver_dataset(tmp_path):
    root = str(tmp_path)
    summary = generate_driver_dataset(
        root,
        num_train=8,
        num_val=8,
        num_frames=6,
        num_subjects=3,
        num_val_subjects=1,
        progress=False)
    assert summary['fold0_train'] == 8 and summary['fold0_val'] == 8
    with open(osp.join(root, 'annotations.json')) as f:
        ann = json.load(f)
    assert ann['metainfo']['classes'] == list(DRIVER_CLASSES)
    fold = ann['metainfo']['folds'][0]
    assert fold['val'] == ['driver02'] and 'driver02' not in fold['train']
    assert sorted(d['label'] for d in ann['data_list'][:8]) == list(range(8))
    item = ann['data_list'][0]
    reader = decord.VideoReader(osp.join(root, item['path']))
    assert len(reader) == 6 and reader[0].shape == (32, 32, 3)
    ds = DriverActivityDataset(
        osp.join(root, 'annotations.json'),
        pipeline=[
            dict(type='UniformSample', clip_len=4),
            DecodeDriverClip(),
            dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackActionInputs')
        ],
        data_prefix=dict(video=root),
        split='val')
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (1, 3, 4, 32, 32)
    assert int(sample['data_samples'].gt_label) == \
        ds.get_data_info(0)['label']
