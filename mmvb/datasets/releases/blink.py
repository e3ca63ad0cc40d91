# Copyright (c) mmvb contributors. All rights reserved.
"""Releases of the InstBlink datasets: MPEblink (the raw release the
converter reads) and HUST-LEBW (the list files of the pre-processed
release)."""
import json
import os
import os.path as osp

from ..annotation_io import AnnotationError
from ..hust_lebw_dataset import HUSTLEBWDataset
from ..mpeblink_dataset import check_annote
from .check import (Count, ReleaseReport, ReleaseSpec, probe_image,
                    probe_video, register_release)

MPEBLINK_SPLITS = ('train', 'validate', 'test')


def read_annote(path: str) -> dict:
    """Load and check one ``annote.json`` (see
    :func:`mmvb.datasets.mpeblink_dataset.check_annote`)."""
    with open(path) as f:
        try:
            raw = json.load(f)
        except json.JSONDecodeError as err:
            raise AnnotationError(path, f'not JSON: {err}') from None
    return check_annote(raw, path)


def _check_mpeblink(report: ReleaseReport) -> None:
    videos = []
    blinks = 0
    for split in MPEBLINK_SPLITS:
        split_root = report.path(split)
        if not osp.isdir(split_root):
            report.problem(f'missing split folder: {split_root}')
            continue
        ids = sorted(os.listdir(split_root))
        bad = [i for i in ids if not i.isdigit()]
        for name in bad:
            report.problem(f'{osp.join(split_root, name)}: video folders are '
                           'named by their integer id')
        report.count(split, len(ids) - len(bad))
        for vid in ids:
            if vid in bad:
                continue
            ann = osp.join(split_root, vid, 'annote.json')
            if not osp.isfile(ann):
                report.problem(f'missing annotation file: {ann}')
            else:
                persons = report.read(read_annote, ann)
                if persons is not None:
                    blinks += sum(len(p['blink']) for p in persons.values())
            videos.append((osp.join(split_root, vid, 'video.mp4'), ann))
    report.count('blinks', blinks)
    report.media('videos', videos, probe_video)


def _check_hust_lebw(report: ReleaseReport) -> None:
    frames = []
    for eye in ('left', 'right'):
        for kind in ('blink', 'non_blink'):
            rel = f'check/gt_{kind}_{eye}.txt'
            if not report.require(rel):
                continue
            path = report.path(rel)
            samples = 0
            with open(path) as f:
                lines = [(i, ln.strip()) for i, ln in enumerate(f, 1)
                         if ln.strip()]
            for lineno, line in lines:
                info = report.read(HUSTLEBWDataset.parse_line, line,
                                   report.root, path, lineno)
                if info is None:
                    continue
                samples += 1
                for index in info['frame_inds']:
                    frames.append(
                        (osp.join(info['frame_dir'],
                                  info['filename_tmpl'].format(index)),
                         f'{rel}:{lineno}'))
            report.count(f'{kind} {eye}', samples)
    report.media('face crops', frames, probe_image)


register_release(
    ReleaseSpec(
        name='mpeblink',
        title='MPEblink',
        url='https://github.com/wenzhengzeng/MPEblink (on request)',
        layout='{train,validate,test}/<video id>/video.mp4\n'
        '{train,validate,test}/<video id>/annote.json',
        counts=dict(
            train=Count(423, 'videos', 'Zeng et al., CVPR 2023, Sec. 5'),
            validate=Count(128, 'videos', 'Zeng et al., CVPR 2023, Sec. 5'),
            test=Count(135, 'videos', 'Zeng et al., CVPR 2023, Sec. 5'),
            blinks=Count(8748, 'eyeblink events', 'Zeng et al., CVPR 2023, '
                         'Sec. 3.4', False)),
        check=_check_mpeblink))
register_release(
    ReleaseSpec(
        name='hust_lebw',
        title='HUST-LEBW',
        url='https://github.com/wenzhengzeng/blink_eyelid (its README links '
        'the pre-processed release)',
        layout='check/gt_{blink,non_blink}_{left,right}.txt\n'
        'check/<movie>/<sample>/10/<n>.bmp and <n>face.bmp',
        counts={},
        check=_check_hust_lebw))
