# Copyright (c) mmvb contributors. All rights reserved.
"""Releases of the W3 datasets: Something-Something V1/V2, EgoGesture,
EPIC-Kitchens-55. The readers are shared with the converters in
``tools/data/{sthv1,sthv2,egogesture,epic_kitchens}``."""
import json
import os
import os.path as osp
import re
from typing import Dict, Iterator, List, Optional, Tuple

from ..annotation_io import AnnotationError, read_csv_table
from .check import (Count, ReleaseReport, ReleaseSpec, frame_folder_probe,
                    list_frames, probe_video, register_release)

# --------------------------------------------------------------------------
# Something-Something V1
# --------------------------------------------------------------------------
STHV1_PREFIX = 'something-something-v1'
STHV2_PREFIX = 'something-something-v2'
STH_SPLITS = (('train', 'train'), ('validation', 'val'), ('test', 'test'))


def read_sthv1_labels(path: str) -> List[str]:
    """Class names of ``something-something-v1-labels.csv`` in label order
    (one per line, no duplicates)."""
    names = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            name = line.strip()
            if not name:
                continue
            if name in names:
                raise AnnotationError(
                    path,
                    f'class {name!r} repeats line {names.index(name) + 1}',
                    line=lineno)
            names.append(name)
    return names


def read_sthv1_split(path: str,
                     label_of: Optional[Dict[str, int]] = None) -> list:
    """``[(video id, label or None)]`` of a ``<id>;<class name>`` CSV
    (``<id>`` only for the test split, ``label_of`` None)."""
    columns = ('id', ) if label_of is None else ('id', 'label')
    rows = read_csv_table(path, columns, header=False, delimiter=';')
    return [(row.text_of('id'),
             None if label_of is None else row.lookup('label', label_of))
            for row in rows]


# --------------------------------------------------------------------------
# Something-Something V2
# --------------------------------------------------------------------------
def read_sthv2_labels(path: str) -> Dict[str, int]:
    """``{template: label}`` of ``something-something-v2-labels.json``;
    the labels must be ``0..N-1``."""
    with open(path) as f:
        raw = json.load(f)
    label_of = {}
    for name, idx in raw.items():
        try:
            label_of[name] = int(idx)
        except (TypeError, ValueError):
            raise AnnotationError(
                path, f'label {idx!r} is not an integer', key=name) from None
    if sorted(label_of.values()) != list(range(len(label_of))):
        raise AnnotationError(
            path, f'the labels are not 0..{len(label_of) - 1} (each once)')
    return label_of


def sthv2_video_label(item: dict, index: int, path: str,
                      label_of: Dict[str, int]) -> int:
    """Label of one item of a train/validation JSON (``template`` with the
    brackets removed, looked up in ``label_of``)."""
    for key in ('id', 'template'):
        if key not in item:
            raise AnnotationError(
                path,
                f'item has no {key!r} (keys: {sorted(item)})',
                key=f'[{index}]')
    template = item['template'].replace('[', '').replace(']', '')
    if template not in label_of:
        raise AnnotationError(
            path,
            f'unknown template {template!r} (not in the labels file)',
            key=f'[{index}].template')
    return label_of[template]


def read_sthv2_split(path: str,
                     label_of: Optional[Dict[str, int]] = None) -> list:
    """``[(video id, label or None)]`` of a train/validation/test JSON."""
    with open(path) as f:
        items = json.load(f)
    rows = []
    for index, item in enumerate(items):
        if 'id' not in item:
            raise AnnotationError(path, "item has no 'id'", key=f'[{index}]')
        label = None if label_of is None else sthv2_video_label(
            item, index, path, label_of)
        rows.append((str(item['id']), label))
    return rows


# --------------------------------------------------------------------------
# EgoGesture
# --------------------------------------------------------------------------
EGOGESTURE_SPLIT_SUBJECTS = dict(
    train=(3, 4, 5, 6, 8, 10, 15, 16, 17, 20, 21, 22, 23, 25, 26, 27, 30, 32,
           36, 38, 39, 40, 42, 43, 44, 45, 46, 48, 49, 50),
    val=(1, 7, 12, 13, 24, 29, 33, 34, 35, 37),
    test=(2, 9, 11, 14, 18, 19, 28, 31, 41, 47))
EGOGESTURE_NUM_CLASSES = 83
_GROUP_CSV = re.compile(r'^group(\d+)\.csv$', re.IGNORECASE)
_SUBJECT = re.compile(r'^subject(\d+)$', re.IGNORECASE)


def _listdir(path: str) -> List[str]:
    return sorted(os.listdir(path)) if osp.isdir(path) else []


def find_entry(parent: str, name: str) -> Optional[str]:
    """The entry of ``parent`` named ``name`` up to letter case."""
    for entry in _listdir(parent):
        if entry.lower() == name.lower():
            return entry
    return None


def egogesture_label_files(
        labels_dir: str) -> Iterator[Tuple[int, str, int, str]]:
    """``(subject, scene, group, csv path)`` of every label file of
    ``labels-final-revised1``."""
    for subject in _listdir(labels_dir):
        match = _SUBJECT.match(subject)
        if not match:
            continue
        for scene in _listdir(osp.join(labels_dir, subject)):
            scene_dir = osp.join(labels_dir, subject, scene)
            for name in _listdir(scene_dir):
                group = _GROUP_CSV.match(name)
                if group:
                    yield (int(match.group(1)), scene, int(group.group(1)),
                           osp.join(scene_dir, name))


def read_egogesture_labels(path: str) -> List[Tuple[int, int, int]]:
    """``[(class 1..83, first frame, last frame)]`` of a ``GroupN.csv``
    (1-based, inclusive frame numbers)."""
    segments = []
    for row in read_csv_table(path, ('class', 'start', 'end'), header=False):
        label = row.integer('class', 1, EGOGESTURE_NUM_CLASSES)
        start = row.integer('start', low=1)
        segments.append((label, start, row.integer('end', low=start)))
    return segments


def egogesture_frame_dir(images_dir: str, subject: int, scene: str,
                         group: int) -> Optional[str]:
    """``SubjectXX/SceneY/Color/rgbN`` below ``images_dir`` (letter case of
    the release), or None when the subject or scene folder is missing."""
    subject_dir = find_entry(images_dir, f'Subject{subject:02d}')
    if subject_dir is None:
        return None
    scene_dir = find_entry(osp.join(images_dir, subject_dir), scene)
    if scene_dir is None:
        return None
    return osp.join(subject_dir, scene_dir, 'Color', f'rgb{group}')


# --------------------------------------------------------------------------
# EPIC-Kitchens-55
# --------------------------------------------------------------------------
EPIC55_TRAIN_COLUMNS = ('uid', 'participant_id', 'video_id', 'narration',
                        'start_timestamp', 'stop_timestamp', 'start_frame',
                        'stop_frame', 'verb', 'verb_class', 'noun',
                        'noun_class', 'all_nouns', 'all_noun_classes')
EPIC55_TEST_COLUMNS = ('uid', 'participant_id', 'video_id', 'start_timestamp',
                       'stop_timestamp', 'start_frame', 'stop_frame')


def read_epic55_classes(path: str, kind: str) -> List[str]:
    """Class keys in id order from ``EPIC_{verb,noun}_classes.csv`` (ids
    must be ``0..N-1``)."""
    rows = read_csv_table(path, (f'{kind}_id', 'class_key', f'{kind}s'))
    keys = {}
    for row in rows:
        index = row.integer(f'{kind}_id', low=0)
        if index in keys:
            raise row.error(f'{kind}_id', f'duplicate id {index}')
        keys[index] = row.text_of('class_key')
    if sorted(keys) != list(range(len(keys))):
        missing = sorted(set(range(max(keys) + 1)) - set(keys))
        raise ValueError(f'{path}: {kind} ids are not 0..{len(keys) - 1}; '
                         f'missing {missing[:10]}')
    return [keys[i] for i in range(len(keys))]


def read_epic55_segments(path: str,
                         columns: Tuple[str, ...],
                         num_verbs: Optional[int] = None,
                         num_nouns: Optional[int] = None) -> list:
    """Rows of an official segment CSV as ``(frame_dir, offset,
    num_frames[, verb, noun])``; ``frame_dir`` is ``P01/P01_01``."""
    segments = []
    for row in read_csv_table(path, columns):
        participant = row.text_of('participant_id')
        video = row.text_of('video_id')
        if not video.startswith(participant + '_'):
            raise row.error(
                'video_id', f'video {video!r} does not belong to '
                f'participant {participant!r}')
        start = row.integer('start_frame', low=1)
        stop = row.integer('stop_frame', low=start)
        item = (f'{participant}/{video}', start - 1, stop - start + 1)
        if num_verbs is not None:
            item += (row.integer('verb_class', 0, num_verbs - 1),
                     row.integer('noun_class', 0, num_nouns - 1))
        segments.append(item)
    return segments


# --------------------------------------------------------------------------
# release checks
# --------------------------------------------------------------------------
def _check_sthv1(report: ReleaseReport) -> None:
    ann = 'annotations'
    labels = report.require(f'{ann}/{STHV1_PREFIX}-labels.csv')
    names = labels and report.read(read_sthv1_labels, labels[0])
    if not names:
        return
    label_of = {name: i for i, name in enumerate(names)}
    report.note(f'{len(names)} classes')
    folders = []
    for official, split in STH_SPLITS:
        name = f'{ann}/{STHV1_PREFIX}-{official}.csv'
        if not report.require(name):
            continue
        rows = report.read(read_sthv1_split, report.path(name),
                           None if split == 'test' else label_of)
        if rows is None:
            continue
        report.count(split, len(rows))
        folders += [(report.path('rawframes', vid), f'{name}: {vid}')
                    for vid, _ in rows]
    report.media(
        'frame folders',
        folders,
        frame_folder_probe(),
        exists=lambda p: bool(list_frames(p)))


def _check_sthv2(report: ReleaseReport) -> None:
    ann = 'annotations'
    labels = report.require(f'{ann}/{STHV2_PREFIX}-labels.json')
    label_of = labels and report.read(read_sthv2_labels, labels[0])
    if not label_of:
        return
    report.note(f'{len(label_of)} classes')
    videos = []
    for official, split in STH_SPLITS:
        name = f'{ann}/{STHV2_PREFIX}-{official}.json'
        if not report.require(name):
            continue
        rows = report.read(read_sthv2_split, report.path(name),
                           None if split == 'test' else label_of)
        if rows is None:
            continue
        report.count(split, len(rows))
        videos += [(report.path('videos', f'{vid}.webm'), f'{name}: {vid}')
                   for vid, _ in rows]
    report.media('videos', videos, probe_video)


def _check_egogesture(report: ReleaseReport) -> None:
    labels_dir = report.path('labels-final-revised1')
    images_dir = report.path('images')
    if len(report.require('labels-final-revised1', 'images')) < 2:
        return
    split_of = {
        s: split
        for split, subjects in EGOGESTURE_SPLIT_SUBJECTS.items()
        for s in subjects
    }
    files = list(egogesture_label_files(labels_dir))
    report.count('label files', len(files))
    folders, needed = [], {}
    for subject, scene, group, path in files:
        split = split_of.get(subject)
        if split is None:
            report.problem(f'{path}: subject {subject} is in no split')
            continue
        segments = report.read(read_egogesture_labels, path)
        if segments is None:
            continue
        report.count(split, len(segments))
        rel = egogesture_frame_dir(images_dir, subject, scene, group)
        folder = osp.join(
            images_dir, rel
            or f'Subject{subject:02d}/{scene}/Color/rgb{group}')
        if segments:
            needed[folder] = max(end for _, _, end in segments)
        folders.append((folder, path))
    report.media(
        'frame folders',
        folders,
        frame_folder_probe('{:06}.jpg', needed),
        exists=lambda p: bool(list_frames(p)))


def _check_epic55(report: ReleaseReport) -> None:
    ann = 'annotations'
    present = report.require(f'{ann}/EPIC_verb_classes.csv',
                             f'{ann}/EPIC_noun_classes.csv',
                             f'{ann}/EPIC_train_action_labels.csv')
    if len(present) < 3:
        return
    verbs = report.read(read_epic55_classes, present[0], 'verb')
    nouns = report.read(read_epic55_classes, present[1], 'noun')
    if not (verbs and nouns):
        return
    report.note(f'{len(verbs)} verbs, {len(nouns)} nouns')
    needed = {}
    sources = {}
    for split, name, columns, subset in (('train',
                                          'EPIC_train_action_labels.csv',
                                          EPIC55_TRAIN_COLUMNS, 'train'),
                                         ('test_s1',
                                          'EPIC_test_s1_timestamps.csv',
                                          EPIC55_TEST_COLUMNS, 'test'),
                                         ('test_s2',
                                          'EPIC_test_s2_timestamps.csv',
                                          EPIC55_TEST_COLUMNS, 'test')):
        if not report.require(f'{ann}/{name}'):
            continue
        kwargs = dict(
            num_verbs=len(verbs),
            num_nouns=len(nouns)) if split == 'train' else {}
        rows = report.read(read_epic55_segments, report.path(ann, name),
                           columns, **kwargs)
        if rows is None:
            continue
        report.count(split, len(rows))
        for frame_dir, offset, num, *_ in rows:
            folder = report.path('rgb', subset, frame_dir)
            needed[folder] = max(needed.get(folder, 0), offset + num)
            sources.setdefault(folder, f'{ann}/{name}')
    report.media(
        'frame folders',
        sorted(sources.items()),
        frame_folder_probe('frame_{:010}.jpg', needed),
        exists=lambda p: bool(list_frames(p)))


_W3_PAPER = 'W3 paper Sec. 4 gives the totals'
register_release(
    ReleaseSpec(
        name='sthv1',
        title='Something-Something V1',
        url='https://developer.qualcomm.com/software/ai-datasets/'
        'something-something (20BN\'s V1 page is offline; MMAction2\'s '
        'tools/data/sthv1 README points to copies)',
        layout='annotations/something-something-v1-{labels,train,validation,'
        'test}.csv\nrawframes/<id>/00001.jpg',
        counts=dict(
            train=Count(
                86017, 'videos', f'Goyal et al., ICCV 2017 '
                f'(108,499 in all; {_W3_PAPER})'),
            val=Count(11522, 'videos', 'Goyal et al., ICCV 2017'),
            test=Count(10960, 'videos', 'Goyal et al., ICCV 2017')),
        check=_check_sthv1))
register_release(
    ReleaseSpec(
        name='sthv2',
        title='Something-Something V2',
        url='https://developer.qualcomm.com/software/ai-datasets/'
        'something-something',
        layout='annotations/something-something-v2-{labels,train,validation,'
        'test}.json\nvideos/<id>.webm',
        counts=dict(
            train=Count(
                168913, 'videos', 'Goyal et al., ICCV 2017 '
                f'(220,847 in all; {_W3_PAPER})'),
            val=Count(24777, 'videos', 'Goyal et al., ICCV 2017'),
            test=Count(27157, 'videos', 'Goyal et al., ICCV 2017')),
        check=_check_sthv2))
_EGO = ('rows of the released labels-final-revised1 (counted here); Zhang '
        'et al., IEEE TMM 2018 report {} before the revision')
register_release(
    ReleaseSpec(
        name='egogesture',
        title='EgoGesture',
        url='the EgoGesture page of NLPR, CASIA (Zhang et al., IEEE TMM '
        '2018; request form)',
        layout='images/SubjectXX/SceneY/Color/rgbN/000001.jpg\n'
        'labels-final-revised1/subjectXX/SceneY/GroupN.csv',
        counts={
            'label files':
            Count(2081, 'files', 'Zhang et al., IEEE TMM '
                  '2018 (2,081 RGB-D videos)'),
            'train':
            Count(14371, 'segments', _EGO.format('14,416')),
            'val':
            Count(4749, 'segments', _EGO.format('4,768')),
            'test':
            Count(4971, 'segments', _EGO.format('4,977')),
        },
        check=_check_egogesture))
_EPIC = 'rows of the released CSVs (epic-kitchens-55-annotations)'
register_release(
    ReleaseSpec(
        name='epic_kitchens_55',
        title='EPIC-Kitchens-55',
        url='https://github.com/epic-kitchens/epic-kitchens-55-annotations',
        layout='annotations/EPIC_{train_action_labels,test_s1_timestamps,'
        'test_s2_timestamps,verb_classes,noun_classes}.csv\n'
        'rgb/{train,test}/P01/P01_01/frame_0000000001.jpg',
        counts=dict(
            train=Count(28472, 'segments', _EPIC),
            test_s1=Count(8047, 'segments', _EPIC),
            test_s2=Count(2929, 'segments', _EPIC)),
        check=_check_epic55))
