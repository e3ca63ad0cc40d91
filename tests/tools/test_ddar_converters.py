# Copyright (c) mmvb contributors. All rights reserved.
"""The seven DDAR converters on tiny fake releases in the official layouts,
and the dataset / pipeline reading what they write."""
import csv
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmvb.datasets.synthetic import write_video
from mmvb.utils import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _converter(name):
    path = osp.join(ROOT, 'tools', 'data', name, f'convert_{name}.py')
    spec = importlib.util.spec_from_file_location(f'convert_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _image(path, value=0, size=8):
    os.makedirs(osp.dirname(path), exist_ok=True)
    img = np.full((size, size, 3), value % 256, np.uint8)
    assert cv2.imwrite(path, img)


def _video(path, num_frames, fps, size=32):
    frames = np.stack([
        np.full((size, size, 3), (17 * i) % 256, np.uint8)
        for i in range(num_frames)
    ])
    write_video(path, frames, fps)


def _load(path):
    with open(path) as f:
        return json.load(f)


def _check_folds(ann, key='subject'):
    """Folds are disjoint between train and test and cover only known
    subjects / ids."""
    known = {str(d[key]) for d in ann['data_list']}
    for fold in ann['metainfo']['folds']:
        assert not set(fold['train']) & set(fold['test'])
        assert set(fold['test']) <= known | set(fold['test'])


def _dataset(ann_file, data_root, split, pipeline=()):
    from mmvb.datasets import DriverActivityDataset
    return DriverActivityDataset(
        ann_file=ann_file,
        data_prefix=dict(video=data_root),
        split=split,
        pipeline=list(pipeline))


def _frames_pipeline(clip_len=4):
    sampler = dict(type='UniformSample', clip_len=clip_len, test_mode=True) \
        if clip_len else dict(type='SampleAllFrames')
    return [
        sampler,
        dict(type='DecodeDriverClip'),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]


def setup_module():
    register_all_modules()


def test_statefarm(tmp_path):
    root = str(tmp_path / 'statefarm')
    subjects = ['p002', 'p012', 'p014', 'p052', 'p056', 'p061', 'p081']
    rows = []
    for s_idx, subject in enumerate(subjects):
        for c in range(10):
            name = f'img_{s_idx}{c}.jpg'
            _image(osp.join(root, 'imgs', 'train', f'c{c}', name), c)
            rows.append(dict(subject=subject, classname=f'c{c}', img=name))
    with open(osp.join(root, 'driver_imgs_list.csv'), 'w') as f:
        writer = csv.DictWriter(f, ['subject', 'classname', 'img'])
        writer.writeheader()
        writer.writerows(rows)
    out = str(tmp_path / 'sf.json')
    summary = _converter('statefarm').convert(root, out, progress=False)
    ann = _load(out)
    assert summary['num_samples'] == 70 and summary['num_folds'] == 7
    folds = ann['metainfo']['folds']
    assert folds[0]['test'] == ['p052', 'p056', 'p061']
    assert folds[1]['test'] == ['p002', 'p012', 'p014']
    assert folds[2]['test'] == ['p081']
    assert summary['fold0_train'] == 40 and summary['fold0_test'] == 30
    item = next(d for d in ann['data_list'] if d['path'].endswith('_03.jpg'))
    assert item['label'] == 3 and item['source'] == 'image'
    ds = _dataset(out, root, 'val', _frames_pipeline(clip_len=1))
    assert len(ds) == 30 and ds.metainfo['classes'][1] == 'texting_right'
    assert tuple(ds[0]['inputs'].shape) == (1, 3, 1, 8, 8)


def test_auc(tmp_path):
    root = str(tmp_path / 'v1_cam1_no_split')
    for split, n in (('Train', 3), ('Test', 2)):
        rows = []
        for c in range(3):
            for i in range(n):
                name = f'{split}{c}{i}.jpg'
                _image(osp.join(root, f'c{c}', name), c)
                rows.append(
                    dict(Image=f'/distracted.driver/c{c}/{name}', Label=c))
        with open(osp.join(root, f'{split}_data_list.csv'), 'w') as f:
            writer = csv.DictWriter(f, ['Image', 'Label'])
            writer.writeheader()
            writer.writerows(rows)
    out = str(tmp_path / 'auc.json')
    summary = _converter('auc').convert(root, out, progress=False)
    assert summary['fold0_train'] == 9 and summary['fold0_test'] == 6
    ann = _load(out)
    assert ann['metainfo']['split_by'] == 'id'
    ds = _dataset(out, root, 'test', _frames_pipeline(clip_len=1))
    labels = {ds.get_data_info(i)['label'] for i in range(len(ds))}
    assert len(ds) == 6 and labels == {0, 1, 2}
    assert ds[0]['inputs'].shape[2] == 1


def test_aide(tmp_path):
    root = str(tmp_path / 'aide')
    rows = {}
    classes = _converter('aide').CLASSES
    for i, split in enumerate(('training', 'validation', 'testing')):
        sample = f'{i + 1:04d}'
        for view in ('incar', 'front'):
            for k in (0, 1, 2, 10):  # natural order: 10 after 2
                _image(
                    osp.join(root, 'AIDE_Dataset', sample, f'{view}frames',
                             f'{k}.jpg'), 20 * k)
        ann_rel = f'AIDE_Dataset/annotation/{sample}.json'
        os.makedirs(
            osp.join(root, 'AIDE_Dataset', 'annotation'), exist_ok=True)
        with open(osp.join(root, ann_rel), 'w') as f:
            json.dump(dict(driver_behavior_label=classes[i + 2]), f)
        rows[split] = [f'AIDE_Dataset/{sample}/', ann_rel]
    for split, row in rows.items():
        with open(osp.join(root, f'{split}.csv'), 'w') as f:
            f.write('0,1\n' + ','.join(row) + '\n')
    out = str(tmp_path / 'aide.json')
    summary = _converter('aide').convert(root, out, progress=False)
    assert summary['fold0_train'] == summary['fold0_val'] == \
        summary['fold0_test'] == 1
    ann = _load(out)
    train = ann['data_list'][0]
    assert train['frames'] == ['0.jpg', '1.jpg', '2.jpg', '10.jpg']
    assert train['label'] == 2 and train['path'].endswith('incarframes')
    ds = _dataset(out, root, 'train', _frames_pipeline(clip_len=None))
    clip = ds[0]['inputs']  # [1, 3, 4, 8, 8], every frame in order
    assert tuple(clip.shape) == (1, 3, 4, 8, 8)
    assert [int(clip[0, 0, t, 0, 0]) for t in range(4)] == [0, 20, 40, 200]


def test_samdd(tmp_path):
    root = str(tmp_path / 'sam-dd')
    for top, drivers in (('train', ['d1', 'd2']), ('valid', ['d3'])):
        for d in drivers:
            for c in ('0', '1'):
                for view in ('side_RGB', 'front_RGB'):
                    for k in range(20):
                        _image(osp.join(root, top, d, c, view, f'{k}.jpg'), k)
    out = str(tmp_path / 'samdd.json')
    conv = _converter('samdd')
    summary = conv.convert(root, out, clip_frames=16, progress=False)
    # 20 frames -> one 16-frame clip (the 4-frame rest is < 8)
    assert summary['num_samples'] == 6
    assert summary['fold0_train'] == 4 and summary['fold0_test'] == 2
    ann = _load(out)
    assert all('side_RGB' in d['path'] for d in ann['data_list'])
    assert len(ann['data_list'][0]['frames']) == 16
    summary = conv.convert(root, out, clip_frames=8, progress=False)
    assert summary['num_samples'] == 18  # 6 folders x windows 8, 8, 4


def _syndd1_release(root):

    def csv_rows(user):
        dash = f'Dashboard_user_id_{user}_5'
        rear = f'Rear_view_user_id_{user}_5'
        return [
            [
                dash, 'Dashboard', 'Distracted', '0:00:01', '0:00:03', '7',
                'None'
            ],
            ['', 'Dashboard', 'Distracted', '0:00:03', '0:00:04', '0',
             'None'],  # not one of DriveCLIP's 8 classes
            ['', 'Dashboard', 'Distracted', '0:00:02', '0:00:04', '3', 'None'],
            [
                rear, 'Rear_view', 'Distracted', '0:00:01', '0:00:03', '7',
                'None'
            ],
            [
                f'Dashboard_user_id_{user}_7', 'Dashboard', 'Distracted',
                '0:00:01', '0:00:03', '7', 'Hat'
            ],
        ]

    header = [
        'Filename', 'Camera View', 'Activity Type', 'Start Time', 'End Time',
        'Label', 'Appearance Block'
    ]
    for user in ('76189', '61597', '35133'):
        folder = osp.join(root, f'user_id_{user}')
        os.makedirs(folder, exist_ok=True)
        for name in (f'Dashboard_User_id_{user}_NoAudio_5.MP4',
                     f'Rear_view_User_id_{user}_NoAudio_5.MP4',
                     f'Dashboard_User_id_{user}_NoAudio_7.MP4'):
            _video(osp.join(folder, name), 20, 4)  # 5 s at 4 fps
        with open(osp.join(folder, f'user_id_{user}.csv'), 'w') as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(csv_rows(user))


def test_syndd1(tmp_path):
    root = str(tmp_path / 'syndd1')
    _syndd1_release(root)
    out = str(tmp_path / 'syndd1.json')
    conv = _converter('syndd1')
    assert conv.parse_name('Dashboard_User_id_24026_NoAudio_3.MP4') == \
        ('dashboard', '24026', '3')
    assert conv.parse_name('Rear_view_user_id_19332_5') == \
        ('rearview', '19332', '5')
    summary = conv.convert(root, out, fps=1, progress=False)
    ann = _load(out)
    # Per user: label 7 (hair) and 3 (phone left) on the dashboard, no
    # appearance block -> 2 clips.
    assert summary['num_samples'] == 6
    assert summary['num_folds'] == 7
    # fold 0 of DriveCLIP tests on 76189 and 61597, trains on 35133, ...
    assert summary['fold0_test'] == 4 and summary['fold0_train'] == 2
    hair = next(d for d in ann['data_list']
                if d['subject'] == '76189' and d['label'] == 0)
    assert hair['start_frame'] == 4 and hair['frame_stride'] == 4
    assert hair['num_frames'] == 3  # frames 4, 8, 12
    assert 'NoAudio_5' in hair['path']
    phone = next(d for d in ann['data_list']
                 if d['subject'] == '76189' and d['label'] == 6)
    assert phone['start_frame'] == 8
    ds = _dataset(out, root, 'test', _frames_pipeline(clip_len=None))
    clip = ds[0]['inputs']
    assert tuple(clip.shape) == (1, 3, 3, 32, 32)
    # frames 4, 8, 12 were written with values 17 * i (mp4 is lossy)
    values = [float(clip[0, 0, t].float().mean()) for t in range(3)]
    np.testing.assert_allclose(values, [68, 136, 204], atol=12)
    all18 = conv.convert(root, out, fps=1, classes='all', progress=False)
    assert all18['num_samples'] == 9


def _dmd_release(root):
    streams = dict(
        face_camera=dict(stream_properties=dict(sync=dict(frame_shift=0))),
        body_camera=dict(stream_properties=dict(sync=dict(frame_shift=5))),
        hands_camera=dict(stream_properties=dict(sync=dict(frame_shift=2))))
    for subject, session, kind, actions in (('1', 's1', 'distraction', {
            '0':
            dict(
                name='texting_right',
                type='driver_actions/texting_right',
                frame_intervals=[dict(frame_start=10, frame_end=29)]),
            '1':
            dict(
                type='driver_actions/change_gear',
                frame_intervals=[dict(frame_start=0, frame_end=9)]),
            '2':
            dict(
                type='gaze_on_road/looking_road',
                frame_intervals=[dict(frame_start=0, frame_end=39)])
    }), ('4', 's5', 'drowsiness', {
            '0':
            dict(
                type='yawning/Yawning with hand',
                frame_intervals=[dict(frame_start=5, frame_end=20)])
    })):
        folder = osp.join(root, 'gA', subject, session)
        os.makedirs(folder, exist_ok=True)
        stem = f'gA_{subject}_{session}_2019-03-08T09;31;15+01;00_rgb'
        _video(osp.join(folder, stem + '_body.mp4'), 40, 10)
        with open(osp.join(folder, f'{stem}_ann_{kind}.json'), 'w') as f:
            json.dump(
                dict(openlabel=dict(streams=streams, actions=actions)), f)


def test_dmd(tmp_path):
    root = str(tmp_path / 'dmd')
    _dmd_release(root)
    conv = _converter('dmd')
    from mmvb.datasets.releases.driver import dmd_body_offset
    assert dmd_body_offset(
        dict(
            body_camera=dict(
                stream_properties=dict(sync=dict(
                    frame_shift=-3))))) == 0  # body starts first
    out = str(tmp_path / 'dmd.json')
    summary = conv.convert(root, out, fps=5, clip_seconds=1, progress=False)
    ann = _load(out)
    texting = [d for d in ann['data_list'] if d['label'] == 8]
    # annotation frames 10..29 -> body frames 5..24 -> two 1-s windows
    assert [d['start_frame'] for d in texting] == [5, 15]
    assert all(d['num_frames'] == 5 and d['frame_stride'] == 2
               for d in texting)
    yawning = [d for d in ann['data_list'] if d['label'] == 9]
    # 5..20 -> body 0..15: a 1-s window and a 0.6-s rest (dropped)
    assert [d['start_frame'] for d in yawning] == [0]
    assert yawning[0]['subject'] == '4'
    assert all(';' not in d['id'] for d in ann['data_list'])
    assert summary['num_folds'] == 7
    # DriveCLIP's fold 0 tests on subject 4 and trains on subject 1
    assert summary['fold0_test'] == 1 and summary['fold0_train'] == 2


def test_3mdad(tmp_path):
    root = str(tmp_path / '3mdad')
    for view in ('Side viewpoint', 'Front viewpoint'):
        for s in ('S1', 'S2', 'S3'):
            for a in ('A1', 'A16'):
                for k in range(3):
                    _image(osp.join(root, view, 'RGB', s, a, f'{k}.jpg'))
    out = str(tmp_path / '3mdad.json')
    summary = _converter('3mdad').convert(
        root, out, num_folds=3, progress=False)
    ann = _load(out)
    assert summary['num_samples'] == 6
    assert all(d['path'].startswith('Side') for d in ann['data_list'])
    assert {d['label'] for d in ann['data_list']} == {0, 15}
    tests = [f['test'] for f in ann['metainfo']['folds']]
    assert sorted(sum(tests, [])) == ['1', '2', '3']
    _check_folds(ann)


def test_cli_shows_progress(tmp_path):
    root = str(tmp_path / 'v1')
    for split in ('Train', 'Test'):
        _image(osp.join(root, 'c0', f'{split}.jpg'))
        with open(osp.join(root, f'{split}_data_list.csv'), 'w') as f:
            f.write(f'Image,Label\n/distracted.driver/c0/{split}.jpg,0\n')
    out = str(tmp_path / 'auc.json')
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'data', 'auc', 'convert_auc.py'), root, out
    ],
                          capture_output=True,
                          text=True,
                          env=dict(os.environ, PYTHONPATH=ROOT),
                          check=True)
    assert 'Train_data_list.csv' in proc.stderr and '100%' in proc.stderr
    assert json.loads(proc.stdout)['num_samples'] == 2


def test_missing_files_are_reported(tmp_path):
    root = str(tmp_path / 'sf')
    os.makedirs(root)
    with open(osp.join(root, 'driver_imgs_list.csv'), 'w') as f:
        f.write('subject,classname,img\np002,c0,img_1.jpg\n')
    with pytest.raises(FileNotFoundError, match='img_1.jpg'):
        _converter('statefarm').convert(
            root, str(tmp_path / 'x.json'), progress=False)
