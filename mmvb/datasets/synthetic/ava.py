# Copyright (c) mmvb contributors. All rights reserved.
"""Spatio-temporal action localization set in the AVA 2.2 file formats.

Each video shows one to three "actors" (upright rectangles) and a few
distractors (round blobs, never annotated) on a noisy background. Every
actor has exactly one movement action and any number of two appearance
actions, so labels are multi-label as in AVA:

====  ======  ==========================================================
 id   name    what the actor does
====  ======  ==========================================================
 1    stand   stays in place
 2    walk    moves sideways at constant speed (turning at its lane end)
 3    jump    bounces up and down (period 1 s)
 4    carry   holds a small square beside its body
 5    wave    has a raised bar above its head that swings left and right
====  ======  ==========================================================

``stand``/``walk``/``jump`` can only be told apart from motion (one frame
shows an upright rectangle in all three cases), ``carry``/``wave`` from
appearance, and actors from distractors from shape. Annotations are given
once per second (the key frames, at whole timestamps), like AVA.

Layout written to ``out_dir`` (the real AVA names, so configs differ from
AVA configs only in ``data_root``)::

    rawframes/<video_id>/img_00001.jpg ...   # fps frames per second,
                                             # frame 1 at timestamp 900
    videos/<video_id>.mp4                    # if 'videos' in formats
    annotations/ava_{train,val}_v2.2.csv     # video_id, timestamp,
                                             # x1, y1, x2, y2 (0-1),
                                             # action_id, person_id
    annotations/ava_{train,val}_excluded_timestamps_v2.2.csv
    annotations/ava_action_list_v2.2_for_activitynet_2019.pbtxt
    annotations/ava_dense_proposals_{train,val}.FAIR.recall_93.9.pkl
    meta.json                                # generator arguments

The proposal files (``"video_id,timestamp" -> [n, 5]`` normalised
``x1, y1, x2, y2, score``: jittered ground truth) are there for two-stage
models; MMAction2's ``AVADataset`` reads everything else as it reads AVA
(``fps`` and ``timestamp_end`` set from ``meta.json``).
"""
import json
import os.path as osp
import pickle
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from .video_io import split_seeds, write_lines, write_rawframes, write_video

AVA_SYNTHETIC_CLASSES = ('stand', 'walk', 'jump', 'carry', 'wave')
TIMESTAMP_START = 900
# Saturated colours of carried objects (bodies are random light colours).
_OBJECT_COLORS = np.array([(255, 230, 0), (0, 230, 255), (255, 0, 200)])


def _actor_tracks(rng: np.random.Generator, num_actors: int, times: np.ndarray,
                  width: int, height: int) -> List[Dict]:
    """Box tracks and labels of the actors of one video.

    Actors live in separate vertical lanes so they never overlap much.
    """
    lane_w = width / num_actors
    actors = []
    for k in range(num_actors):
        w = rng.uniform(0.13, 0.17) * width
        h = rng.uniform(0.38, 0.48) * height
        lo, hi = k * lane_w + w / 2 + 2, (k + 1) * lane_w - w / 2 - 2
        move = int(rng.integers(3))  # 0 stand, 1 walk, 2 jump
        x0 = rng.uniform(lo, max(lo, hi))
        ground = rng.uniform(0.7, 0.95) * height  # bottom of the body
        ground = min(ground, height - 3)
        cx = np.full_like(times, x0)
        bottom = np.full_like(times, ground)
        if move == 1:  # walk: triangle wave inside the lane
            speed = rng.uniform(0.25, 0.35) * width  # pixels per second
            span = max(hi - lo, 1e-3)
            pos = (x0 - lo) + speed * times * rng.choice((-1, 1))
            pos = np.abs(np.mod(pos, 2 * span) - span)
            cx = lo + span - pos
        elif move == 2:  # jump: |sin| bounce, 1 s period
            amp = rng.uniform(0.15, 0.2) * height
            phase = rng.uniform(0, 1)
            bottom = ground - amp * np.abs(np.sin(np.pi * (times + phase)))
        labels = [move + 1]
        carry = bool(rng.random() < 0.4)
        wave = bool(rng.random() < 0.4)
        if carry:
            labels.append(4)
        if wave:
            labels.append(5)
        jitter = rng.normal(0, 0.004 * width, size=(2, len(times)))
        actors.append(
            dict(
                cx=cx + jitter[0],
                bottom=bottom + jitter[1],
                w=w,
                h=h,
                color=rng.integers(90, 256, size=3),
                carry=carry,
                carry_side=rng.choice((-1, 1)),
                carry_color=_OBJECT_COLORS[rng.integers(len(_OBJECT_COLORS))],
                wave=wave,
                wave_phase=rng.uniform(0, 1),
                labels=labels))
    return actors


def _actor_box(actor: Dict, i: int) -> Tuple[float, float, float, float]:
    """Pixel ``(x1, y1, x2, y2)`` of the body at frame ``i``."""
    cx, bottom = actor['cx'][i], actor['bottom'][i]
    return (cx - actor['w'] / 2, bottom - actor['h'], cx + actor['w'] / 2,
            bottom)


def render_ava_video(rng: np.random.Generator,
                     num_seconds: int = 6,
                     fps: int = 8,
                     size: Tuple[int, int] = (128, 96),
                     max_actors: int = 3,
                     max_distractors: int = 2) -> Tuple[np.ndarray, Dict]:
    """Render one synthetic video.

    Args:
        rng (np.random.Generator): Random source.
        num_seconds (int): Video length in seconds. Defaults to 6.
        fps (int): Frames per second. Defaults to 8.
        size (tuple[int, int]): Frame ``(width, height)``.
            Defaults to ``(128, 96)``.
        max_actors (int): At most this many actors (at least one).
            Defaults to 3.
        max_distractors (int): At most this many distractors.
            Defaults to 2.

    Returns:
        tuple[np.ndarray, dict]: ``[num_seconds * fps, H, W, 3]`` uint8 RGB
        frames and the annotations: ``boxes`` ``[A, N, 4]`` (pixel xyxy of
        each actor at each frame), ``labels`` (per actor, a list of action
        ids) and ``times`` ``[N]`` (seconds from the first frame).
    """
    width, height = size
    num_frames = num_seconds * fps
    times = np.arange(num_frames) / fps
    num_actors = int(rng.integers(1, max_actors + 1))
    actors = _actor_tracks(rng, num_actors, times, width, height)
    distractors = []
    for _ in range(int(rng.integers(0, max_distractors + 1))):
        start = rng.uniform((0.1, 0.1), (0.9, 0.9)) * (width, height)
        vel = rng.uniform(-0.08, 0.08, size=2) * (width, height)
        distractors.append(
            dict(
                start=start,
                vel=vel,
                radius=rng.uniform(0.05, 0.09) * height,
                color=rng.integers(90, 256, size=3)))
    bg = rng.integers(0, 70, size=3).astype(np.float32)

    frames = np.empty((num_frames, height, width, 3), np.uint8)
    shift, one = 4, 16  # sub-pixel drawing precision
    for i, t in enumerate(times):
        img = np.empty((height, width, 3), np.float32)
        img[:] = bg
        img += rng.normal(0.0, 6.0, size=img.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        for d in distractors:
            c = d['start'] + d['vel'] * t
            c = np.clip(c, 0, (width - 1, height - 1))
            cv2.circle(img, (int(c[0] * one), int(c[1] * one)),
                       int(d['radius'] * one), d['color'].tolist(), -1,
                       cv2.LINE_AA, shift)
        for a in actors:
            x1, y1, x2, y2 = _actor_box(a, i)
            pts = [int(v * one) for v in (x1, y1, x2, y2)]
            cv2.rectangle(img, tuple(pts[:2]), tuple(pts[2:]),
                          a['color'].tolist(), -1, cv2.LINE_AA, shift)
            if a['carry']:
                s = 0.6 * a['w']
                cx = (x2 + s * 0.6) if a['carry_side'] > 0 else (x1 - s * 0.6)
                cy = y1 + 0.55 * a['h']
                p = [
                    int(v * one)
                    for v in (cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2)
                ]
                cv2.rectangle(img, tuple(p[:2]), tuple(p[2:]),
                              a['carry_color'].tolist(), -1, cv2.LINE_AA,
                              shift)
            if a['wave']:
                swing = np.sin(2 * np.pi * (2 * t + a['wave_phase']))
                bx = (x1 + x2) / 2 + 0.5 * a['w'] * swing
                p = [
                    int(v * one)
                    for v in (bx - 3, y1 - 0.3 * a['h'], bx + 3, y1 - 1)
                ]
                cv2.rectangle(img, tuple(p[:2]), tuple(p[2:]),
                              a['color'].tolist(), -1, cv2.LINE_AA, shift)
        frames[i] = img
    boxes = np.array([[_actor_box(a, i) for i in range(num_frames)]
                      for a in actors],
                     dtype=np.float32).reshape(num_actors, num_frames, 4)
    return frames, dict(
        boxes=boxes, labels=[a['labels'] for a in actors], times=times)


def _labelmap_lines(classes: Sequence[str]) -> List[str]:
    lines = []
    for i, name in enumerate(classes, 1):
        lines += ['item {', f'  name: "{name}"', f'  id: {i}', '}']
    return lines


def generate_ava_dataset(out_dir: str,
                         num_train: int = 60,
                         num_val: int = 25,
                         num_seconds: int = 6,
                         fps: int = 8,
                         size: Tuple[int, int] = (128, 96),
                         max_actors: int = 3,
                         max_distractors: int = 2,
                         formats: Sequence[str] = ('rawframes', ),
                         seed: int = 0,
                         progress: bool = True) -> Dict:
    """Write the synthetic AVA-format set (see module docstring).

    Key frames are the whole timestamps ``901 .. 900 + num_seconds - 1``
    (the first and last second are left out, as AVA leaves out the ends of
    its 15-minute segments). In the validation split one key frame of every
    fifth video is listed in the excluded-timestamps file (its annotations
    stay in the CSV, as in AVA).

    Args:
        out_dir (str): Output folder.
        num_train (int): Training videos. Defaults to 60.
        num_val (int): Validation videos. Defaults to 25.
        num_seconds (int): Seconds per video. Defaults to 6.
        fps (int): Frames per second. Defaults to 8.
        size (tuple[int, int]): Frame ``(width, height)``.
            Defaults to ``(128, 96)``.
        max_actors (int): Actors per video, at most. Defaults to 3.
        max_distractors (int): Distractors per video, at most.
            Defaults to 2.
        formats (Sequence[str]): Any of ``'rawframes'`` and ``'videos'``.
            Defaults to ``('rawframes', )``.
        seed (int): Dataset seed. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths of the files written and the dataset settings
        (``fps``, ``timestamp_start``, ``timestamp_end``, ``num_classes``
        including the background column).
    """
    unknown = set(formats) - {'rawframes', 'videos'}
    if unknown:
        raise ValueError(f'unknown formats {sorted(unknown)}; '
                         "use 'rawframes' and/or 'videos'")
    if num_seconds < 3:
        raise ValueError('num_seconds must be at least 3')
    ann_dir = osp.join(out_dir, 'annotations')
    rows = {'train': [], 'val': []}
    excluded = {'train': [], 'val': []}
    proposals = {'train': {}, 'val': {}}
    width, height = size
    keyframes = range(1, num_seconds - 1)  # seconds after the start
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='ava videos', disable=not progress):
        rng = np.random.default_rng(ss)
        video_id = f'{split}_{idx:05d}'
        frames, ann = render_ava_video(rng, num_seconds, fps, size, max_actors,
                                       max_distractors)
        if 'rawframes' in formats:
            write_rawframes(osp.join(out_dir, 'rawframes', video_id), frames)
        if 'videos' in formats:
            write_video(
                osp.join(out_dir, 'videos', f'{video_id}.mp4'), frames, fps)
        scale = np.array([width, height, width, height], np.float32)
        for sec in keyframes:
            timestamp = TIMESTAMP_START + sec
            boxes = ann['boxes'][:, sec * fps] / scale
            boxes = boxes.clip(0, 1)
            for person_id, (box,
                            labels) in enumerate(zip(boxes, ann['labels'])):
                coords = ','.join(f'{v:.3f}' for v in box)
                for label in labels:
                    rows[split].append(f'{video_id},{timestamp:04d},'
                                       f'{coords},{label},{person_id}')
            noisy = boxes + rng.normal(0, 0.01, size=boxes.shape)
            score = rng.uniform(0.9, 1.0, size=(len(boxes), 1))
            proposals[split][f'{video_id},{timestamp:04d}'] = np.concatenate(
                (noisy.clip(0, 1), score), 1).astype(np.float32)
        if split == 'val' and idx % 5 == 4:
            excluded[split].append(
                f'{video_id},{TIMESTAMP_START + keyframes[-1]:04d}')

    files = {}
    for split in ('train', 'val'):
        files[f'{split}_ann'] = osp.join(ann_dir, f'ava_{split}_v2.2.csv')
        write_lines(files[f'{split}_ann'], rows[split])
        files[f'{split}_exclude'] = osp.join(
            ann_dir, f'ava_{split}_excluded_timestamps_v2.2.csv')
        write_lines(files[f'{split}_exclude'], excluded[split])
        files[f'{split}_proposals'] = osp.join(
            ann_dir, f'ava_dense_proposals_{split}.FAIR.recall_93.9.pkl')
        with open(files[f'{split}_proposals'], 'wb') as f:
            pickle.dump(proposals[split], f)
    files['label_file'] = osp.join(
        ann_dir, 'ava_action_list_v2.2_for_activitynet_2019.pbtxt')
    write_lines(files['label_file'], _labelmap_lines(AVA_SYNTHETIC_CLASSES))
    settings = dict(
        fps=fps,
        timestamp_start=TIMESTAMP_START,
        timestamp_end=TIMESTAMP_START + num_seconds,
        num_classes=len(AVA_SYNTHETIC_CLASSES) + 1)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='ava',
                num_train=num_train,
                num_val=num_val,
                num_seconds=num_seconds,
                size=list(size),
                max_actors=max_actors,
                max_distractors=max_distractors,
                formats=list(formats),
                seed=seed,
                classes=list(AVA_SYNTHETIC_CLASSES),
                **settings),
            f,
            indent=2)
    return dict(files, **settings)
