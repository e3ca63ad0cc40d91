# Copyright (c) mmvb contributors. All rights reserved.
"""Releases of the DATAR datasets: EPIC-Kitchens-100 (audio), VGGSound,
Kinetics-Sounds. The readers are shared with the converters in
``tools/data/{epic_kitchens_100,vggsound,kinetics_sounds}``."""
import os.path as osp
import re
from typing import List, Sequence, Tuple

from ..annotation_io import read_csv_table
from ..audio_io import index_files
from .check import (Count, ReleaseReport, ReleaseSpec, probe_audio,
                    register_release)

# --------------------------------------------------------------------------
# EPIC-Kitchens-100
# --------------------------------------------------------------------------
EPIC100_SPLITS = (('train', 'EPIC_100_train.csv'), ('val',
                                                    'EPIC_100_validation.csv'))
EPIC100_SEGMENT_COLUMNS = ('narration_id', 'participant_id', 'video_id',
                           'narration_timestamp', 'start_timestamp',
                           'stop_timestamp', 'start_frame', 'stop_frame',
                           'narration', 'verb', 'verb_class', 'noun',
                           'noun_class', 'all_nouns', 'all_noun_classes')
EPIC100_CLASS_COLUMNS = ('id', 'key', 'instances', 'category')
_TIMESTAMP = re.compile(r'^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$')


def to_seconds(timestamp: str) -> float:
    """``'HH:MM:SS.ss'`` -> seconds (ValueError for other strings)."""
    match = _TIMESTAMP.match(timestamp.strip())
    if match is None:
        raise ValueError(f'{timestamp!r} is not HH:MM:SS.ss')
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def read_epic100_classes(path: str) -> List[str]:
    """Class keys by official id from ``EPIC_100_{verb,noun}_classes.csv``
    (ids must be ``0..N-1``)."""
    keys = {}
    for row in read_csv_table(path, EPIC100_CLASS_COLUMNS):
        index = row.integer('id', low=0)
        if index in keys:
            raise row.error('id', f'duplicate id {index}')
        keys[index] = row.text_of('key')
    if sorted(keys) != list(range(len(keys))):
        raise ValueError(f'{path}: class ids are not 0..{len(keys) - 1}')
    return [keys[i] for i in range(len(keys))]


def read_epic100_segments(path: str, num_verbs: int, num_nouns: int) -> list:
    """Segments of ``EPIC_100_{train,validation}.csv`` as ``(video_id,
    start s, stop s, verb, noun)`` with official class ids."""
    segments = []
    for row in read_csv_table(path, EPIC100_SEGMENT_COLUMNS):
        times = []
        for column in ('start_timestamp', 'stop_timestamp'):
            try:
                times.append(to_seconds(row[column]))
            except ValueError as err:
                raise row.error(column, str(err)) from None
        if times[1] < times[0]:
            raise row.error('stop_timestamp',
                            f'the segment ends before it starts ({times})')
        segments.append((row.text_of('video_id'), times[0], times[1],
                         row.integer('verb_class', 0, num_verbs - 1),
                         row.integer('noun_class', 0, num_nouns - 1)))
    return segments


# --------------------------------------------------------------------------
# VGGSound
# --------------------------------------------------------------------------
VGGSOUND_COLUMNS = ('youtube_id', 'start_seconds', 'label', 'split')
VGGSOUND_SPLITS = ('train', 'test')


def read_vggsound(path: str) -> List[Tuple[str, int, str, str]]:
    """``[(youtube_id, start_seconds, label, split)]`` of ``vggsound.csv``
    (no header)."""
    rows = []
    for row in read_csv_table(path, VGGSOUND_COLUMNS, header=False):
        split = row.text_of('split')
        if split not in VGGSOUND_SPLITS:
            raise row.error('split', f'{split!r} is neither train nor test')
        rows.append(
            (row.text_of('youtube_id'), row.integer('start_seconds', low=0),
             row.text_of('label'), split))
    return rows


# --------------------------------------------------------------------------
# Kinetics-400 annotations (Kinetics-Sounds)
# --------------------------------------------------------------------------
# file names of the K400 releases (DeepMind's 2017 archive, the CVDF
# mirror, ActivityNet's crawler)
KINETICS_SPLITS = (('train', ('train.csv', 'kinetics-400_train.csv',
                              'kinetics_train.csv')),
                   ('val', ('validate.csv', 'val.csv', 'kinetics-400_val.csv',
                            'kinetics_val.csv')))
KINETICS_COLUMNS = ('label', 'youtube_id', 'time_start', 'time_end', 'split')
# tools/data/kinetics_sounds/classes.txt (see configs/datar/README.md)
KINETICS_SOUNDS_CLASSES = (
    'blowing nose', 'blowing out candles', 'bowling', 'chopping wood',
    'dribbling basketball', 'laughing', 'mowing lawn', 'playing accordion',
    'playing bagpipes', 'playing bass guitar', 'playing clarinet',
    'playing drums', 'playing guitar', 'playing harmonica', 'playing keyboard',
    'playing organ', 'playing piano', 'playing saxophone', 'playing trombone',
    'playing trumpet', 'playing violin', 'playing xylophone', 'ripping paper',
    'shoveling snow', 'shuffling cards', 'singing', 'stomping grapes',
    'tap dancing', 'tapping guitar', 'tapping pen', 'tickling')


def find_annotation(ann_dir: str, names: Sequence[str]) -> str:
    """The first of ``names`` that exists in ``ann_dir``."""
    for name in names:
        if osp.isfile(osp.join(ann_dir, name)):
            return osp.join(ann_dir, name)
    raise FileNotFoundError(f'none of {list(names)} in {ann_dir}')


def read_kinetics(path: str) -> List[Tuple[str, str]]:
    """``[(label, clip stem)]`` of a K400 CSV; the stem is
    ``<youtube_id>_<time_start:06d>_<time_end:06d>``."""
    rows = []
    for row in read_csv_table(
            path, KINETICS_COLUMNS, optional_tail=('is_cc', )):
        start = row.integer('time_start', low=0)
        end = row.integer('time_end', low=start)
        rows.append((row.text_of('label'),
                     f"{row.text_of('youtube_id')}_{start:06d}_{end:06d}"))
    return rows


# --------------------------------------------------------------------------
# release checks
# --------------------------------------------------------------------------
def _clips(report: ReleaseReport, stems, where: str, kind: str) -> int:
    """Check the audio of the clips named by ``stems`` below videos/."""
    index = index_files(report.path('videos'))
    items = []
    for stem in stems:
        rel = index.get(stem)
        path = report.path('videos', rel or f'{stem}.mp4')
        items.append((path, where))
    return report.media(kind, items, probe_audio)


def _check_epic100(report: ReleaseReport) -> None:
    ann = 'annotations'
    names = [
        f'{ann}/EPIC_100_verb_classes.csv', f'{ann}/EPIC_100_noun_classes.csv'
    ]
    if len(report.require(*names)) < 2:
        return
    verbs = report.read(read_epic100_classes, report.path(names[0]))
    nouns = report.read(read_epic100_classes, report.path(names[1]))
    if not (verbs and nouns):
        return
    report.count('verbs', len(verbs))
    report.count('nouns', len(nouns))
    videos = {}
    for split, name in EPIC100_SPLITS:
        if not report.require(f'{ann}/{name}'):
            continue
        rows = report.read(read_epic100_segments, report.path(ann, name),
                           len(verbs), len(nouns))
        if rows is None:
            continue
        report.count(split, len(rows))
        for video, *_ in rows:
            videos.setdefault(video, f'{ann}/{name}')
    index = index_files(report.path('videos'))
    items = [(report.path('videos', index.get(v, f'{v}.MP4')), where)
             for v, where in sorted(videos.items())]
    report.media('video audio', items, probe_audio)


def _check_vggsound(report: ReleaseReport) -> None:
    if not report.require('vggsound.csv'):
        return
    rows = report.read(read_vggsound, report.path('vggsound.csv'))
    if rows is None:
        return
    report.count('classes', len({label for _, _, label, _ in rows}))
    for split in VGGSOUND_SPLITS:
        stems = [
            f'{ytid}_{start:06d}' for ytid, start, _, s in rows if s == split
        ]
        report.count(split, len(stems))
        good = _clips(report, stems, 'vggsound.csv', f'{split} clips')
        report.count(f'{split} clips', good)


def _check_kinetics_sounds(report: ReleaseReport) -> None:
    classes = set(KINETICS_SOUNDS_CLASSES)
    seen = set()
    for split, names in KINETICS_SPLITS:
        try:
            path = find_annotation(report.path('annotations'), names)
        except FileNotFoundError as err:
            report.problem(f'missing annotation file: {err}')
            continue
        rows = report.read(read_kinetics, path)
        if rows is None:
            continue
        seen |= {label for label, _ in rows}
        stems = [stem for label, stem in rows if label in classes]
        report.count(split, len(stems))
        good = _clips(report, stems, osp.basename(path), f'{split} clips')
        report.count(f'{split} clips', good)
    absent = sorted(classes - seen)
    if seen and absent:
        report.problem(f'classes not in the annotations: {absent}')


register_release(
    ReleaseSpec(
        name='epic_kitchens_100',
        title='EPIC-Kitchens-100 (audio)',
        url='https://github.com/epic-kitchens/epic-kitchens-100-annotations',
        layout='annotations/EPIC_100_{train,validation,verb_classes,'
        'noun_classes}.csv\nvideos/**/P01_101.MP4',
        counts=dict(
            train=Count(67217, 'segments', 'Damen et al., IJCV 2022; DATAR '
                        'Sec. 4'),
            val=Count(9668, 'segments', 'Damen et al., IJCV 2022; DATAR '
                      'Sec. 4'),
            verbs=Count(97, 'classes', 'Damen et al., IJCV 2022'),
            nouns=Count(300, 'classes', 'Damen et al., IJCV 2022')),
        check=_check_epic100))
register_release(
    ReleaseSpec(
        name='vggsound',
        title='VGGSound',
        url='https://www.robots.ox.ac.uk/~vgg/data/vggsound/',
        layout='vggsound.csv\nvideos/**/<youtube_id>_<start:06d>.mp4',
        counts={
            'classes':
            Count(309, 'labels', 'Chen et al., ICASSP 2020; '
                  'DATAR Sec. 4'),
            'test':
            Count(15446, 'rows', 'hche11/VGGSound data/test.csv', False),
            'train clips':
            Count(159223, 'clips with audio', 'DATAR Sec. 4', False),
            'test clips':
            Count(12790, 'clips with audio', 'DATAR Sec. 4', False),
        },
        check=_check_vggsound))
register_release(
    ReleaseSpec(
        name='kinetics_sounds',
        title='Kinetics-Sounds (from Kinetics-400)',
        url='https://github.com/cvdfoundation/kinetics-dataset',
        layout='annotations/{train,validate}.csv (or val.csv, '
        'kinetics-400_{train,val}.csv)\n'
        'videos/**/<youtube_id>_<start:06d>_<end:06d>.mp4',
        counts={
            'train clips': Count(22914, 'clips with audio', 'DATAR Sec. 4',
                                 False),
            'val clips': Count(1585, 'clips with audio', 'DATAR Sec. 4',
                               False),
        },
        check=_check_kinetics_sounds))
