# Copyright (c) mmvb contributors. All rights reserved.
"""Releases of the BMViT datasets: AVA v2.2 (MMAction2's layout),
UCF101-24 and JHMDB51-21 (ACT ground truth and frames)."""
import os.path as osp

from ..act_gt import read_act_release
from ..checked_ava_dataset import (check_ava_csv, check_ava_exclude_file,
                                   check_ava_label_file)
from .check import (Count, ReleaseReport, ReleaseSpec, frame_folder_probe,
                    list_frames, register_release)

AVA_VERSION = 'v2.2'
AVA_ACTION_LIST = 'ava_action_list_v2.2_for_activitynet_2019.pbtxt'
AVA_TIMESTAMP_START, AVA_FPS = 900, 30


def _ava_rows(path: str):
    """``{video: last key-frame timestamp}`` of an AVA CSV (already
    checked)."""
    last = {}
    with open(path) as f:
        for line in f:
            cells = line.strip().split(',')
            if len(cells) >= 2 and cells[0]:
                last[cells[0]] = max(last.get(cells[0], 0), int(cells[1]))
    return last


def _check_ava(report: ReleaseReport) -> None:
    ann = 'annotations'
    action_list = report.require(f'{ann}/{AVA_ACTION_LIST}')
    if action_list:
        classes = report.read(check_ava_label_file, action_list[0])
        if classes:
            report.count('classes', len(classes))
    folders, needed = [], {}
    for split in ('train', 'val'):
        csv_name = f'{ann}/ava_{split}_{AVA_VERSION}.csv'
        exclude = f'{ann}/ava_{split}_excluded_timestamps_{AVA_VERSION}.csv'
        present = report.require(csv_name, exclude)
        if report.path(exclude) in present:
            report.read(check_ava_exclude_file, report.path(exclude))
        if report.path(csv_name) not in present:
            continue
        rows = report.read(check_ava_csv, report.path(csv_name))
        if rows is None:
            continue
        report.count(f'{split} rows', rows)
        last = _ava_rows(report.path(csv_name))
        report.count(split, len(last))
        for video, timestamp in sorted(last.items()):
            folder = report.path('rawframes', video)
            needed[folder] = (timestamp - AVA_TIMESTAMP_START) * AVA_FPS + 1
            folders.append((folder, csv_name))
    report.media(
        'frame folders',
        folders,
        frame_folder_probe('img_{:05}.jpg', needed),
        exists=lambda p: bool(list_frames(p)))


def _check_act(report: ReleaseReport, gt_names, frames: str,
               tmpl: str) -> None:
    present = [n for n in gt_names if osp.isfile(report.path(n))]
    if not present:
        report.problem('missing annotation file: one of '
                       f'{[report.path(n) for n in gt_names]}')
        return
    name = present[0]
    gt = report.read(read_act_release, report.path(name))
    if gt is None:
        return
    report.count('classes', len(gt['labels']))
    key = 'videos' if name == gt_names[0] else 'videos (corrected)'
    report.count(key, len(gt['nframes']))
    for i, (train,
            test) in enumerate(zip(gt['train_videos'], gt['test_videos'])):
        report.count(f'split{i + 1} train', len(train))
        report.count(f'split{i + 1} test', len(test))
    needed, folders = {}, []
    for video, num in sorted(gt['nframes'].items()):
        folder = report.path(frames, str(video))
        needed[folder] = int(num)
        folders.append((folder, name))
    report.media(
        'frame folders',
        folders,
        frame_folder_probe(tmpl, needed),
        exists=lambda p: bool(list_frames(p)))


register_release(
    ReleaseSpec(
        name='ava',
        title='AVA v2.2',
        url='https://research.google.com/ava/ (annotations; frames as in '
        'MMAction2\'s tools/data/ava)',
        layout=f'annotations/ava_{{train,val}}_{AVA_VERSION}.csv\n'
        f'annotations/ava_{{train,val}}_excluded_timestamps_{AVA_VERSION}'
        f'.csv\nannotations/{AVA_ACTION_LIST}\n'
        'rawframes/<video>/img_00001.jpg (MMAction2 tools/data/ava: frames '
        'of seconds 900-1800 at 30 fps)',
        counts=dict(
            train=Count(
                235, 'videos', 'Gu et al., CVPR 2018 (AVA v2.2 '
                'download page: 235 training videos)'),
            val=Count(64, 'videos', 'Gu et al., CVPR 2018 (64 validation '
                      'videos)'),
            classes=Count(60, 'evaluated actions', 'the ActivityNet 2019 '
                          'action list')),
        check=_check_ava))
register_release(
    ReleaseSpec(
        name='ucf101_24',
        title='UCF101-24',
        url='https://github.com/MCG-NJU/MOC-Detector/blob/master/readme/'
        'Dataset.md (UCF101v2-GT.pkl, rgb-images); '
        'https://github.com/gurkirt/corrected-UCF101-Annots',
        layout='UCF101v2-GT.pkl (or pyannot_with_class_names.pkl)\n'
        'rgb-images/<class>/<video>/00001.jpg',
        counts={
            'classes':
            Count(24, 'classes', 'Soomro et al., 2012 (THUMOS '
                  'UCF101-24)'),
            'videos':
            Count(
                3207,
                'videos', 'Kalogeiton et al., ICCV 2017 '
                '(ACT ground truth)',
                required=False),
            'videos (corrected)':
            Count(
                3194,
                'videos',
                'gurkirt/corrected-UCF101-Annots README',
                required=False),
        },
        check=lambda r: _check_act(r, (
            'UCF101v2-GT.pkl', 'pyannot_with_class_names.pkl'), 'rgb-images',
                                   '{:05}.jpg')))
register_release(
    ReleaseSpec(
        name='jhmdb',
        title='JHMDB51-21',
        url='https://github.com/MCG-NJU/MOC-Detector/blob/master/readme/'
        'Dataset.md (JHMDB.tar.gz: Frames, JHMDB-GT.pkl)',
        layout='JHMDB-GT.pkl\nFrames/<class>/<video>/00001.png',
        counts=dict(
            classes=Count(21, 'classes', 'Jhuang et al., ICCV 2013'),
            videos=Count(928, 'videos', 'Jhuang et al., ICCV 2013')),
        check=lambda r: _check_act(r,
                                   ('JHMDB-GT.pkl', ), 'Frames', '{:05}.png')))
