# Copyright (c) mmvb contributors. All rights reserved.
"""Synthetic driver-activity videos: a head and two hands behind a wheel.

A seated "driver" (torso, head with eyes, two hands resting on a steering
wheel) acts out one of eight activities. Each activity is a schedule of
smooth motion events of the head (turn right, look down) and hands (to the
ear, reach out, to the lap):

==  ====================  ================================================
id  class                 events
==  ====================  ================================================
0   safe_driving          none (hands on the wheel, small jitter)
1   phone_call            right hand to the ear, held long
2   touch_face            right hand to the ear, held briefly (1 vs 2:
                          duration only)
3   look_then_reach       head turns right; later the right hand reaches out
4   reach_then_look       the same two events in the other order (3 vs 4:
                          temporal order only)
5   texting               left hand to the lap and head down, held long
6   glance_then_touch     head down briefly; later the right hand to the ear
7   touch_then_glance     the same two events in the other order (6 vs 7:
                          temporal order only)
==  ====================  ================================================

The two events of an order pair are a quarter of the clip apart, so neither
order-less pooling of frame features nor a short temporal convolution can
tell 3 from 4 or 6 from 7: that takes modelling over the clip. Every subject
(driver) has its own colours, size and seat position; the split is
subject-disjoint, as in the real protocols.

Layout written to ``out_dir``::

    videos/<subject>/<index>.mp4     # mp4v, decord-readable
    annotations.json                 # mmvb driver-activity format, 1 fold
    label_map.txt
    meta.json
"""
import json
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from ..driver_activity import dump_driver_annotations
from .video_io import split_seeds, write_lines, write_video

DRIVER_CLASSES = ('safe_driving', 'phone_call', 'touch_face',
                  'look_then_reach', 'reach_then_look', 'texting',
                  'glance_then_touch', 'touch_then_glance')

_RAMP = 0.1  # fraction of the clip a part takes to move to / from a target
_LONG = (0.45, 0.6)  # hold ranges (fractions of the clip)
_SHORT = (0.0, 0.08)


def _event(rng: np.random.Generator, part: str, target: str,
           start: Tuple[float, float], hold: Tuple[float, float]) -> dict:
    return dict(
        part=part,
        target=target,
        start=rng.uniform(*start),
        hold=rng.uniform(*hold))


def _end(event: dict) -> float:
    return event['start'] + 2 * _RAMP + event['hold']


def _ordered(rng: np.random.Generator, first: Tuple[str, str],
             second: Tuple[str, str]) -> List[dict]:
    """Two brief events, the second starting 0.2-0.3 of the clip after the
    first ends."""
    e1 = _event(rng, *first, (0.0, 0.08), (0.02, 0.08))
    e2 = _event(rng, *second, (0.0, 0.0), (0.02, 0.08))
    e2['start'] = _end(e1) + rng.uniform(0.2, 0.3)
    return [e1, e2]


def activity_events(label: int, rng: np.random.Generator) -> List[dict]:
    """The motion events of one clip of class ``label`` (times are fractions
    of the clip)."""
    if not 0 <= label < len(DRIVER_CLASSES):
        raise ValueError(f'label must be in [0, {len(DRIVER_CLASSES)}), '
                         f'got {label}')
    name = DRIVER_CLASSES[label]
    look, reach = ('head', 'turn'), ('right', 'reach')
    glance, touch = ('head', 'down'), ('right', 'ear')
    if name == 'safe_driving':
        return []
    if name == 'phone_call':
        return [_event(rng, *touch, (0.05, 0.15), _LONG)]
    if name == 'touch_face':
        return [_event(rng, *touch, (0.05, 0.6), _SHORT)]
    if name == 'look_then_reach':
        return _ordered(rng, look, reach)
    if name == 'reach_then_look':
        return _ordered(rng, reach, look)
    if name == 'glance_then_touch':
        return _ordered(rng, glance, touch)
    if name == 'touch_then_glance':
        return _ordered(rng, touch, glance)
    start = rng.uniform(0.05, 0.15)  # texting
    hold = rng.uniform(*_LONG)
    return [
        dict(part='left', target='lap', start=start, hold=hold),
        dict(part='head', target='down', start=start, hold=hold)
    ]


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _weight(event: dict, t: np.ndarray) -> np.ndarray:
    """How far a part is moved towards the event's target at times ``t``."""
    up = _smoothstep((t - event['start']) / _RAMP)
    down = _smoothstep((t - event['start'] - _RAMP - event['hold']) / _RAMP)
    return up * (1 - down)


def subject_appearance(rng: np.random.Generator) -> dict:
    """Colours, size and seat offset of one synthetic driver."""
    return dict(
        background=rng.integers(20, 90, size=3),
        shirt=rng.integers(20, 110, size=3),
        skin=np.array([
            rng.integers(150, 240),
            rng.integers(110, 190),
            rng.integers(80, 160)
        ]),
        head_scale=rng.uniform(0.9, 1.1),
        offset=rng.uniform(-0.04, 0.04, size=2))


def render_driver_clip(label: int,
                       subject: dict,
                       rng: np.random.Generator,
                       num_frames: int = 16,
                       size: int = 32) -> np.ndarray:
    """Render one clip of class ``label`` for a subject.

    Args:
        label (int): Index into :data:`DRIVER_CLASSES`.
        subject (dict): From :func:`subject_appearance`.
        rng (np.random.Generator): Random source (timing, jitter, noise).
        num_frames (int): Frames per clip. Defaults to 16.
        size (int): Frame height and width in pixels. Defaults to 32.

    Returns:
        np.ndarray: ``[num_frames, size, size, 3]`` uint8 RGB frames.
    """
    s = float(size)
    dx, dy = subject['offset'] * s
    rest = dict(
        head=np.array([0.5 * s + dx, 0.3 * s + dy]),
        left=np.array([0.3 * s + dx, 0.78 * s + dy]),
        right=np.array([0.7 * s + dx, 0.78 * s + dy]))
    head_r = 0.12 * s * subject['head_scale']
    targets = dict(
        head=dict(
            turn=np.array([0.16 * s, 0.0]), down=np.array([0.0, 0.14 * s])),
        left=dict(lap=np.array([0.1 * s, 0.2 * s])),
        right=dict(
            ear=rest['head'] + [head_r + 0.02 * s, 0.0] - rest['right'],
            reach=np.array([0.22 * s, -0.22 * s])))
    t = np.linspace(0.0, 1.0, num_frames)
    pos = {part: np.tile(p, (num_frames, 1)) for part, p in rest.items()}
    for event in activity_events(label, rng):
        offset = targets[event['part']][event['target']]
        pos[event['part']] += _weight(event, t)[:, None] * offset
    for part in pos:
        pos[part] += rng.normal(0.0, 0.008 * s, size=(num_frames, 2))

    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    base = subject['background'][None, None] + (yy[..., None] / s) * 30.0
    frames = np.empty((num_frames, size, size, 3), np.uint8)
    shift = 4  # sub-pixel precision of the drawing
    sub = 1 << shift

    def pt(p):
        return (int(round(p[0] * sub)), int(round(p[1] * sub)))

    wheel_c = pt((0.5 * s + dx, 0.86 * s + dy))
    for i in range(num_frames):
        img = base + rng.normal(0.0, 4.0, size=base.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        cv2.rectangle(img, pt((0.3 * s + dx, 0.5 * s + dy)),
                      pt((0.7 * s + dx, 1.1 * s)), subject['shirt'].tolist(),
                      -1, cv2.LINE_AA, shift)
        cv2.ellipse(img, wheel_c, (int(0.3 * s * sub), int(0.1 * s * sub)), 0,
                    0, 360, (40, 40, 40), max(1,
                                              size // 24), cv2.LINE_AA, shift)
        head = pos['head'][i]
        cv2.circle(img, pt(head), int(head_r * sub), subject['skin'].tolist(),
                   -1, cv2.LINE_AA, shift)
        # Eyes follow the head's turn (x) and tilt (y) a bit further.
        look = (head - rest['head']) * 0.5
        for side in (-1, 1):
            eye = head + look + [side * 0.4 * head_r, -0.15 * head_r]
            cv2.circle(img, pt(eye), int(0.18 * head_r * sub), (20, 20, 20),
                       -1, cv2.LINE_AA, shift)
        for part in ('left', 'right'):
            cv2.circle(img, pt(pos[part][i]), int(0.07 * s * sub),
                       (230, 230, 230), -1, cv2.LINE_AA, shift)
            cv2.circle(img, pt(pos[part][i]), int(0.045 * s * sub),
                       subject['skin'].tolist(), -1, cv2.LINE_AA, shift)
        frames[i] = img
    return frames


def generate_driver_dataset(out_dir: str,
                            num_train: int = 288,
                            num_val: int = 96,
                            num_frames: int = 16,
                            size: int = 32,
                            fps: float = 8.0,
                            num_subjects: int = 16,
                            num_val_subjects: int = 4,
                            seed: int = 0,
                            progress: bool = True) -> Dict:
    """Write the synthetic driver-activity set (see module docstring).

    Training clips come from the first ``num_subjects - num_val_subjects``
    subjects, validation clips from the others (one subject-disjoint fold;
    ``val`` and ``test`` are the held-out subjects). Labels are balanced:
    clip ``i`` of a split has label ``i % 8``.

    Args:
        out_dir (str): Output folder.
        num_train (int): Training clips. Defaults to 288.
        num_val (int): Validation clips. Defaults to 96.
        num_frames (int): Frames per clip. Defaults to 16.
        size (int): Frame size in pixels. Defaults to 32.
        fps (float): Frame rate of the mp4 files. Defaults to 8.
        num_subjects (int): Synthetic drivers. Defaults to 16.
        num_val_subjects (int): Held-out drivers. Defaults to 4.
        seed (int): Dataset seed. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths written and the sample counts of the fold.
    """
    assert 0 < num_val_subjects < num_subjects
    subject_rng = np.random.default_rng([seed, 1000])
    subjects = [subject_appearance(subject_rng) for _ in range(num_subjects)]
    names = [f'driver{i:02d}' for i in range(num_subjects)]
    train_ids = list(range(num_subjects - num_val_subjects))
    val_ids = list(range(num_subjects - num_val_subjects, num_subjects))
    data_list = []
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='driver clips', disable=not progress):
        rng = np.random.default_rng(ss)
        label = idx % len(DRIVER_CLASSES)
        pool = train_ids if split == 'train' else val_ids
        subj = pool[(idx // len(DRIVER_CLASSES)) % len(pool)]
        frames = render_driver_clip(label, subjects[subj], rng, num_frames,
                                    size)
        rel = f'videos/{names[subj]}/{split}_{idx:05d}.mp4'
        write_video(osp.join(out_dir, rel), frames, fps)
        data_list.append(
            dict(
                id=f'{split}_{idx:05d}',
                subject=names[subj],
                label=label,
                source='video',
                path=rel,
                num_frames=num_frames))
    held_out = [names[i] for i in val_ids]
    folds = [
        dict(train=[names[i] for i in train_ids], val=held_out, test=held_out)
    ]
    ann_file = osp.join(out_dir, 'annotations.json')
    summary = dump_driver_annotations(
        ann_file,
        'synthetic-driver',
        DRIVER_CLASSES,
        data_list,
        folds,
        protocol='subject-disjoint: the last drivers are held out')
    write_lines(osp.join(out_dir, 'label_map.txt'), DRIVER_CLASSES)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='driver',
                num_train=num_train,
                num_val=num_val,
                num_frames=num_frames,
                size=size,
                fps=fps,
                num_subjects=num_subjects,
                num_val_subjects=num_val_subjects,
                seed=seed,
                classes=list(DRIVER_CLASSES)),
            f,
            indent=2)
    return dict(ann_file=ann_file, **summary)
