# Copyright (c) mmvb contributors. All rights reserved.
"""Releases of the DualScope datasets: AIDE, 3MDAD, DMD, SAM-DD, SynDD1,
AUC-DDD v1, StateFarm and DriPE. The readers are shared with the
converters in ``tools/data/<dataset>/``."""
import csv
import json
import os
import os.path as osp
import re
from typing import List, Optional, Tuple

from ..annotation_io import AnnotationError, CSVRow, read_csv_table
from .check import (IMAGE_EXTS, Count, ReleaseReport, ReleaseSpec, list_frames,
                    probe_image, probe_video, register_release)

VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')

# --------------------------------------------------------------------------
# AIDE
# --------------------------------------------------------------------------
AIDE_CLASSES = ('Smoking', 'Making Phone', 'Looking Around', 'Dozing Off',
                'Normal Driving', 'Talking', 'Body Movement')
AIDE_SPLITS = dict(
    train='training.csv', val='validation.csv', test='testing.csv')


def read_aide_split(path: str) -> list:
    """``[(sample folder, annotation JSON)]`` of a split CSV (header
    ``0,1``: the columns are numbered)."""
    return [(row.text_of('0').rstrip('/'), row.text_of('1'))
            for row in read_csv_table(path, ('0', '1'))]


def aide_behaviour_label(path: str) -> int:
    """Index in :data:`AIDE_CLASSES` of a sample's behaviour label."""
    with open(path) as f:
        ann = json.load(f)
    key = 'driver_behavior_label'
    if key not in ann:
        raise AnnotationError(
            path, f'missing (keys: {sorted(ann)[:8]})', key=key)
    if ann[key] not in AIDE_CLASSES:
        raise AnnotationError(
            path,
            f'unknown behaviour {ann[key]!r} (known: {list(AIDE_CLASSES)})',
            key=key)
    return AIDE_CLASSES.index(ann[key])


# --------------------------------------------------------------------------
# StateFarm
# --------------------------------------------------------------------------
STATEFARM_CLASSES = ('safe_driving', 'texting_right', 'phone_right',
                     'texting_left', 'phone_left', 'operating_radio',
                     'drinking', 'reaching_behind', 'hair_and_makeup',
                     'talking_to_passenger')
STATEFARM_FOLDERS = {f'c{i}': i for i in range(len(STATEFARM_CLASSES))}


def read_statefarm_list(path: str) -> List[Tuple[CSVRow, int]]:
    """Rows of ``driver_imgs_list.csv`` (``subject,classname,img``) with
    their class index (``c0``..``c9``)."""
    rows = read_csv_table(path, ('subject', 'classname', 'img'))
    return [(row, row.lookup('classname', STATEFARM_FOLDERS, 'class folder'))
            for row in rows]


# --------------------------------------------------------------------------
# AUC Distracted Driver v1
# --------------------------------------------------------------------------
AUC_CLASSES = ('safe_driving', 'texting_right', 'phone_right', 'texting_left',
               'phone_left', 'adjusting_radio', 'drinking', 'hair_and_makeup',
               'reaching_behind', 'talking_to_passenger')
AUC_SPLITS = (('train', 'Train_data_list.csv'), ('test', 'Test_data_list.csv'))


def read_auc_list(path: str) -> List[Tuple[CSVRow, str, int]]:
    """Rows of ``{Train,Test}_data_list.csv`` (``Image,Label``) as ``(row,
    relative path c<k>/<file>, label)``; the class folder of ``Image``
    (a path of the authors' machine) must be ``c<Label>``."""
    out = []
    for row in read_csv_table(path, ('Image', 'Label')):
        parts = row.text_of('Image').replace('\\', '/').split('/')
        label = row.integer('Label', 0, len(AUC_CLASSES) - 1)
        if len(parts) < 2 or parts[-2] != f'c{label}':
            raise row.error(
                'Image', f'the class folder of {row["Image"]!r} is not '
                f'c{label} (Label)')
        out.append((row, osp.join(parts[-2], parts[-1]), label))
    return out


# --------------------------------------------------------------------------
# SynDD1
# --------------------------------------------------------------------------
SYNDD1_CLASSES = ('normal_driving', 'drinking', 'phone_call_right',
                  'phone_call_left', 'eating', 'text_right', 'text_left',
                  'hair_or_makeup', 'reaching_behind', 'adjust_control_panel',
                  'pick_up_from_floor_driver', 'pick_up_from_floor_passenger',
                  'talk_to_passenger_right', 'talk_to_passenger_backseat',
                  'yawning', 'hand_on_head', 'singing', 'shaking_or_dancing')
LABEL_COLUMNS = ('label/class id', 'label (primary)', 'label')
_TIME = re.compile(r'^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$')
_LABEL = re.compile(r'^(?:class\s*)?(\d+)$', re.IGNORECASE)


def parse_syndd1_name(name: str):
    """``(camera, user id, recording number)`` of a video or CSV file name,
    e.g. ``Dashboard_User_id_24026_NoAudio_3.MP4`` ->
    ``('dashboard', '24026', '3')``."""
    stem = osp.splitext(osp.basename(name))[0].lower()
    match = re.match(r'(.*?)_?user_id_(\d+)(?:_noaudio)?_(\d+)$', stem)
    if match is None:
        return None
    camera = re.sub(r'[^a-z]', '', match.group(1))
    return camera, match.group(2), match.group(3)


def _seconds(text: str) -> float:
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(f'{text!r} is not H:MM:SS')
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def read_syndd1_csv(path: str) -> list:
    """Rows of a user's label CSV as dicts with ``line``, ``video``
    (:func:`parse_name` of the last file name), ``label`` (``None`` for
    ``NA``), ``start`` / ``end`` in seconds and ``block``."""
    with open(path, newline='', encoding='utf-8-sig') as f:
        lines = f.read().splitlines()
    rows = list(csv.reader(lines))
    if not rows:
        raise AnnotationError(path, 'empty file')
    header = [h.strip().lower() for h in rows[0]]
    label_col = next((c for c in LABEL_COLUMNS if c in header), None)
    for name in ('filename', 'start time', 'end time', label_col):
        if name not in header:
            raise AnnotationError(
                path, f'no {name or "label"!r} column (header {rows[0]}, '
                f'label column one of {LABEL_COLUMNS})',
                line=1)
    out, video = [], None
    for lineno, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        cells = dict(zip(header, [c.strip() for c in cells]))

        def fail(column, msg):
            return AnnotationError(
                path, msg, line=lineno, column=column, row=lines[lineno - 1])

        if cells.get('filename'):
            video = parse_syndd1_name(cells['filename'])
            if video is None:
                raise fail(
                    'filename', f'{cells["filename"]!r} is not '
                    '<Camera>_user_id_<id>_<n>')
        if video is None:
            raise fail('filename', 'no file name on this or an earlier row')
        times = []
        for column in ('start time', 'end time'):
            try:
                times.append(_seconds(cells.get(column, '')))
            except ValueError as err:
                raise fail(column, str(err)) from None
        if times[1] < times[0]:
            raise fail('end time', 'the segment ends before it starts')
        value = cells.get(label_col, '')
        if value.upper() in ('NA', 'N/A', ''):
            label = None
        else:
            match = _LABEL.match(value)
            if match is None or int(match.group(1)) >= len(SYNDD1_CLASSES):
                raise fail(
                    label_col, f'{value!r} is not a class id 0..'
                    f'{len(SYNDD1_CLASSES) - 1} (or NA)')
            label = int(match.group(1))
        out.append(
            dict(
                line=lineno,
                video=video,
                label=label,
                start=times[0],
                end=times[1],
                block=cells.get('appearance block', 'None').lower(),
                text=lines[lineno - 1]))
    return out


# --------------------------------------------------------------------------
# DMD
# --------------------------------------------------------------------------
# The labels of the annotation tool's driver_actions (distraction, level 6)
# and yawning (drowsiness, level 3) levels, without its "NAN" placeholder
# (annotation-tool/config_{distraction,drowsiness}.json of
# Vicomtech/DMD-Driver-Monitoring-Dataset).
DMD_DRIVER_ACTIONS = ('safe_drive', 'texting_right', 'phonecall_right',
                      'texting_left', 'phonecall_left', 'radio', 'drinking',
                      'reach_side', 'hair_and_makeup', 'talking_to_passenger',
                      'reach_backseat', 'change_gear', 'standstill_or_waiting',
                      'unclassified')
DMD_YAWNING = ('Yawning with hand', 'Yawning without hand')


def _dmd_root(ann: dict) -> dict:
    for key in ('openlabel', 'vcd'):
        if key in ann:
            return ann[key]
    raise ValueError('not an OpenLABEL/VCD annotation')


def dmd_body_offset(streams: dict) -> int:
    """Annotation frame -> body-camera frame offset (subtract it)."""

    def shift(name):
        props = streams.get(name, {}).get('stream_properties', {})
        return int(props.get('sync', {}).get('frame_shift', 0))

    body, hands = shift('body_camera'), shift('hands_camera')
    earliest = min(0, body, hands)  # face has shift 0
    return body - earliest


def dmd_action_intervals(ann_file: str, classes) -> list:
    """The wanted actions as ``(class name, frame_start, frame_end)`` and
    the body-camera frame offset."""
    with open(ann_file) as f:
        raw = json.load(f)
    try:
        node = _dmd_root(raw)
    except ValueError:
        raise AnnotationError(
            ann_file, 'not an OpenLABEL/VCD annotation (no "openlabel" or '
            f'"vcd" key; keys {sorted(raw)[:5]})') from None
    out = []
    for uid, action in node.get('actions', {}).items():
        kind = action.get('type', action.get('name', ''))
        level, _, label = kind.partition('/')
        where = f'actions.{uid}.type'
        if level == 'driver_actions':
            if label not in DMD_DRIVER_ACTIONS:
                raise AnnotationError(
                    ann_file, f'unknown driver action {label!r} (the '
                    f'annotation tool writes {DMD_DRIVER_ACTIONS})',
                    key=where)
            name = label
        elif level == 'yawning':
            if label not in DMD_YAWNING:
                raise AnnotationError(
                    ann_file, f'unknown yawning label {label!r} (the '
                    f'annotation tool writes {DMD_YAWNING})',
                    key=where)
            name = 'yawning'
        else:
            continue  # gaze, hands, talking, ... levels
        if name not in classes:
            continue  # not one of DriveCLIP's classes
        for k, iv in enumerate(action.get('frame_intervals', [])):
            try:
                start, end = int(iv['frame_start']), int(iv['frame_end'])
            except (KeyError, TypeError, ValueError):
                raise AnnotationError(
                    ann_file,
                    f'not a frame interval: {iv!r}',
                    key=f'actions.{uid}.frame_intervals[{k}]') from None
            if end < start:
                raise AnnotationError(
                    ann_file,
                    f'frame_end {end} < frame_start {start}',
                    key=f'actions.{uid}.frame_intervals[{k}]')
            out.append((name, start, end))
    return out, dmd_body_offset(node.get('streams', {}))


# --------------------------------------------------------------------------
# 3MDAD
# --------------------------------------------------------------------------
TMDAD_CLASSES = ('safe_driving', 'doing_hair_and_makeup', 'adjusting_radio',
                 'gps_operating', 'writing_message_right_hand',
                 'writing_message_left_hand', 'talking_phone_right_hand',
                 'talking_phone_left_hand', 'having_picture',
                 'talking_to_passenger', 'singing_or_dancing',
                 'fatigue_and_somnolence', 'drinking_right_hand',
                 'drinking_left_hand', 'reaching_behind', 'smoking')
_TMDAD_SUBJECT = re.compile(r'^s(?:ubject)?[\s_-]*0*(\d+)$', re.IGNORECASE)
_TMDAD_ACTION = re.compile(r'^a(?:ction)?[\s_-]*0*(\d+)$', re.IGNORECASE)


def find_3mdad_folders(
        root: str,
        view_pattern: Optional[str] = 'side') -> List[Tuple[str, str, int]]:
    """``(relative folder, subject, action 1..16)`` of every driver/action
    frame folder below ``root`` whose path matches ``view_pattern``.

    Raises:
        ValueError: An action folder numbered outside 1..16.
    """
    view = re.compile(view_pattern, re.IGNORECASE) if view_pattern else None
    leaves = []
    for dirpath, _, _ in os.walk(root):
        rel = osp.relpath(dirpath, root)
        parts = rel.split(os.sep)
        subj = [_TMDAD_SUBJECT.match(p) for p in parts]
        act = [_TMDAD_ACTION.match(p) for p in parts]
        if not any(subj) or not act[-1]:
            continue
        if view is not None and not view.search(rel):
            continue
        action = int(act[-1].group(1))
        if not 1 <= action <= len(TMDAD_CLASSES):
            raise ValueError(f'{dirpath}: action {action} is not one of the '
                             f'{len(TMDAD_CLASSES)} 3MDAD actions')
        subject = [m for m in subj if m][-1].group(1)
        leaves.append((rel, subject, action))
    return leaves


# --------------------------------------------------------------------------
# SAM-DD
# --------------------------------------------------------------------------
SAMDD_SPLIT_DIRS = ('train', 'valid')


def _dirs(path: str) -> List[str]:
    if not osp.isdir(path):
        return []
    return sorted(d for d in os.listdir(path) if osp.isdir(osp.join(path, d)))


def samdd_driver_dirs(root: str) -> List[Tuple[str, str]]:
    """``(top, driver)`` folders of a SAM-DD release (``top`` is
    ``train``/``valid`` in DriveCLIP's layout, '' without that level)."""
    tops = [d for d in SAMDD_SPLIT_DIRS if osp.isdir(osp.join(root, d))]
    if tops:
        return [(top, d) for top in tops for d in _dirs(osp.join(root, top))]
    return [('', d) for d in _dirs(root)]


# --------------------------------------------------------------------------
# release checks
# --------------------------------------------------------------------------
def _nonempty(folder: str) -> bool:
    return bool(list_frames(folder))


def _first_frame(folder: str) -> None:
    probe_image(osp.join(folder, list_frames(folder)[0]))


def _check_aide(report: ReleaseReport) -> None:
    folders = []
    for split, name in AIDE_SPLITS.items():
        if not report.require(name):
            continue
        rows = report.read(read_aide_split, report.path(name))
        if rows is None:
            continue
        report.count(split, len(rows))
        for lineno, (sample_dir, ann_path) in enumerate(rows, 2):
            where = f'{name}:{lineno}'
            ann = report.path(ann_path)
            if not osp.isfile(ann):
                report.missing('annotation', ann, where)
            else:
                report.read(aide_behaviour_label, ann)
            folders.append((report.path(sample_dir, 'incarframes'), where))
    report.media(
        'in-car frame folders', folders, _first_frame, exists=_nonempty)


def _check_statefarm(report: ReleaseReport) -> None:
    if not report.require('driver_imgs_list.csv'):
        return
    rows = report.read(read_statefarm_list,
                       report.path('driver_imgs_list.csv'))
    if rows is None:
        return
    report.count('train', len(rows))
    report.count('drivers', len({row.text_of('subject') for row, _ in rows}))
    images = [(report.path('imgs', 'train', row.text_of('classname'),
                           row.text_of('img')),
               f'driver_imgs_list.csv:{row.line}') for row, _ in rows]
    report.media('images', images, probe_image)


def _check_auc(report: ReleaseReport) -> None:
    for split, name in AUC_SPLITS:
        if not report.require(name):
            continue
        rows = report.read(read_auc_list, report.path(name))
        if rows is None:
            continue
        report.count(split, len(rows))
        report.count('images', len(rows))
        report.media(f'{split} images',
                     [(report.path(rel), f'{name}:{row.line}')
                      for row, rel, _ in rows], probe_image)


def _index_videos(root: str) -> dict:
    videos = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            key = parse_syndd1_name(f)
            if f.lower().endswith(VIDEO_EXTS) and key:
                videos[key] = osp.join(dirpath, f)
    return videos


def _check_syndd1(report: ReleaseReport) -> None:
    videos = _index_videos(report.root)
    csvs = sorted(
        osp.join(d, f) for d, _, files in os.walk(report.root) for f in files
        if f.lower().endswith('.csv'))
    if not csvs:
        report.problem(f'no label CSV below {report.root}')
    users, needed = set(), {}
    segments = 0
    for path in csvs:
        rows = report.read(read_syndd1_csv, path)
        if rows is None:
            continue
        for row in rows:
            users.add(row['video'][1])
            if row['label'] is None:
                continue
            segments += 1
            if row['video'][0] == 'dashboard':
                needed.setdefault(row['video'], f'{path}:{row["line"]}')
    report.count('users', len(users))
    report.count('labelled segments', segments)
    items = [(videos.get(
        key,
        report.path('_'.join(('Dashboard_user_id', key[1], key[2])) + '.MP4')),
              where) for key, where in sorted(needed.items())]
    report.media('dashboard videos', items, probe_video)


def _check_dmd(report: ReleaseReport) -> None:
    sessions = sorted(
        osp.join(d, f) for d, _, files in os.walk(report.root) for f in files
        if re.search(r'_ann_(distraction|drowsiness)\.json$', f))
    if not sessions:
        report.problem(f'no *_ann_distraction.json below {report.root}')
    subjects, videos, intervals = set(), [], 0
    classes = DMD_DRIVER_ACTIONS + ('yawning', )
    for path in sessions:
        stem = osp.basename(path).split('_ann_')[0]
        subjects.add(tuple(stem.split('_')[:2]))
        found = report.read(dmd_action_intervals, path, classes)
        if found is not None:
            intervals += len(found[0])
        videos.append((osp.join(osp.dirname(path), stem + '_body.mp4'), path))
    report.count('sessions', len(sessions))
    report.count('subjects', len(subjects))
    report.count('action intervals', intervals)
    report.media('body videos', videos, probe_video)


def _check_3mdad(report: ReleaseReport) -> None:
    leaves = report.read(find_3mdad_folders, report.root, 'side')
    if leaves is None:
        return
    actions = {}
    for rel, subject, action in leaves:
        actions.setdefault(subject, set()).add(action)
    report.count('drivers', len(actions))
    report.count('folders', len(leaves))
    for subject, found in sorted(actions.items(), key=lambda x: int(x[0])):
        absent = sorted(set(range(1, len(TMDAD_CLASSES) + 1)) - found)
        if absent:
            report.problem(f'driver {subject}: no folder for actions '
                           f'{absent}')
    report.media(
        'frame folders', [(report.path(rel), f'driver {s}, action {a}')
                          for rel, s, a in leaves],
        _first_frame,
        exists=_nonempty)


def _check_samdd(report: ReleaseReport) -> None:
    drivers = samdd_driver_dirs(report.root)
    report.count('drivers', len(drivers))
    folders = []
    for top, driver in drivers:
        for cls in range(10):
            folder = report.path(top, driver, str(cls), 'side_RGB')
            folders.append((folder, f'driver {driver}, class {cls}'))
    report.media(
        'side-view frame folders', folders, _first_frame, exists=_nonempty)


def _check_dripe(report: ReleaseReport) -> None:
    images = sorted(
        osp.join(d, f) for d, _, files in os.walk(report.path('images'))
        for f in files if f.lower().endswith(IMAGE_EXTS))
    if not images:
        report.problem(f'no images below {report.path("images")}')
    report.count('images', len(images))
    report.media('images', [(p, '') for p in images], probe_image)
    boxes = report.path('dripe_region_boxes.json')
    if osp.isfile(boxes):  # written by tools/dualscope/extract_keypoints.py
        with open(boxes) as f:
            data = json.load(f)
        for i, item in enumerate(data.get('data_list', [])):
            path = report.path('images', item['img_path'])
            if not osp.isfile(path):
                report.missing('image', path,
                               f'dripe_region_boxes.json data_list[{i}]')


_DRIVECLIP = 'no count published that we could verify'
register_release(
    ReleaseSpec(
        name='aide',
        title='AIDE',
        url='https://github.com/ydk122024/AIDE',
        layout='{training,validation,testing}.csv\n'
        'AIDE_Dataset/<id>/{incar,front,left,right}frames/0.jpg\n'
        'AIDE_Dataset/annotation/<id>.json',
        counts=dict(
            train=Count(
                1884, 'samples', 'ydk122024/AIDE training.csv '
                '(2,898 samples in all: Yang et al., ICCV 2023)'),
            val=Count(405, 'samples', 'ydk122024/AIDE validation.csv'),
            test=Count(609, 'samples', 'ydk122024/AIDE testing.csv')),
        check=_check_aide))
register_release(
    ReleaseSpec(
        name='3mdad',
        title='3MDAD (daytime, side view)',
        url='the authors\' 3MDAD page (request form; Jegham et al., Signal '
        'Processing: Image Communication 2020)',
        layout='<...side view RGB...>/S<driver>/A<action 1-16>/*.jpg',
        counts=dict(drivers=Count(None, 'drivers', _DRIVECLIP)),
        check=_check_3mdad))
register_release(
    ReleaseSpec(
        name='dmd',
        title='DMD (Driver Monitoring Dataset)',
        url='https://dmd.vicomtech.org/',
        layout='g<group>/<subject>/s<session>/<stem>_rgb_ann_distraction.json'
        '\ng<group>/<subject>/s<session>/<stem>_rgb_body.mp4',
        counts=dict(sessions=Count(None, 'sessions', _DRIVECLIP)),
        check=_check_dmd))
register_release(
    ReleaseSpec(
        name='sam_dd',
        title='SAM-DD',
        url='https://yanghh.io/SAM-DD/ (request form)',
        layout='[train|valid/]<driver>/<class 0-9>/{side_RGB,front_RGB}/'
        '*.jpg',
        counts=dict(drivers=Count(None, 'drivers', _DRIVECLIP)),
        check=_check_samdd))
register_release(
    ReleaseSpec(
        name='syndd1',
        title='SynDD1',
        url='https://doi.org/10.1016/j.dib.2022.108793 (the data article '
        'links the release)',
        layout='user_id_<id>/user_id_<id>.csv\n'
        'user_id_<id>/Dashboard_user_id_<id>_NoAudio_<n>.MP4',
        counts=dict(users=Count(None, 'users', _DRIVECLIP)),
        check=_check_syndd1))
register_release(
    ReleaseSpec(
        name='auc',
        title='AUC Distracted Driver v1',
        url='https://abouelnaga.io/projects/auc-distracted-driver-dataset/',
        layout='Train_data_list.csv, Test_data_list.csv\nc0 ... c9/*.jpg',
        counts=dict(
            images=Count(
                17308, 'images', 'the dataset page; Eraqi et al., '
                'J. Adv. Transp. 2019'),
            train=Count(None, 'images', 'split sizes not published'),
            test=Count(None, 'images', 'split sizes not published')),
        check=_check_auc))
register_release(
    ReleaseSpec(
        name='statefarm',
        title='State Farm Distracted Driver Detection',
        url='https://www.kaggle.com/c/state-farm-distracted-driver-detection',
        layout='driver_imgs_list.csv\nimgs/train/c0 ... c9/img_*.jpg',
        counts=dict(
            train=Count(22424, 'images', 'Kaggle driver_imgs_list.csv'),
            drivers=Count(26, 'drivers', 'Kaggle driver_imgs_list.csv')),
        check=_check_statefarm))
register_release(
    ReleaseSpec(
        name='dripe',
        title='DriPE',
        url='the DriPE page given in Guesdon et al., ICCV-W 2021 (request '
        'form)',
        layout='images/**/*.jpg\n[dripe_region_boxes.json]',
        counts=dict(
            images=Count(10000, 'images', 'Guesdon et al., ICCV-W 2021 '
                         '("10k images")', False)),
        check=_check_dripe))
