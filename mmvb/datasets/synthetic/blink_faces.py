# Copyright (c) mmvb contributors. All rights reserved.
"""Multi-person eyeblink videos in the raw MPEblink release format.

Each video shows 1 to ``max_faces`` cartoon faces (skin-coloured ellipse,
hair, two eyes, mouth) on a textured background. Faces drift and bounce,
may enter late or leave early, and may pass in front of each other; a
face whose visible part drops below ``min_visible`` of its area counts as
absent in that frame (``null`` box, as MPEblink marks seriously occluded
faces). Each face blinks a few times: its eyes close for
``blink_frames`` frames (the first and last frame half closed).

Layout written to ``out_dir`` (what the official release unpacks to and
``tools/data/mpeblink/convert_mpeblink.py`` reads)::

    {train,validate,test}/<video id>/video.mp4
    {train,validate,test}/<video id>/annote.json
    meta.json

``annote.json`` holds ``height``, ``width``, ``length`` and one entry per
person: ``bbox`` (per frame ``[x, y, w, h]`` or ``null``), ``landmark``
(per frame 68 ``[x, y]`` points or ``null``) and ``blink`` (inclusive
``[start, end]`` frame intervals).
"""
import json
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from .video_io import split_seeds, write_video

SPLITS = ('train', 'validate', 'test')


def _face_path(rng: np.random.Generator, num_frames: int, width: int,
               height: int, face_h: float) -> Tuple[np.ndarray, np.ndarray]:
    """Centre track of one face: drift with bounces inside the frame."""
    face_w = 0.75 * face_h
    lo = np.array([face_w / 2, face_h / 2])
    hi = np.array([width - face_w / 2, height - face_h / 2])
    pos = rng.uniform(lo, hi)
    vel = rng.uniform(-1.0, 1.0, size=2) * 0.012 * min(width, height)
    centres = np.empty((num_frames, 2))
    for t in range(num_frames):
        centres[t] = pos
        pos = pos + vel + rng.normal(0, 0.1, size=2)
        for axis in range(2):
            if pos[axis] < lo[axis] or pos[axis] > hi[axis]:
                vel[axis] = -vel[axis]
                pos[axis] = np.clip(pos[axis], lo[axis], hi[axis])
    return centres, np.full(num_frames, face_h)


def _blink_intervals(rng: np.random.Generator, present: np.ndarray,
                     blink_frames: Tuple[int,
                                         int], gap: int) -> List[List[int]]:
    """Random blinks inside the present frames, at least ``gap`` apart."""
    intervals = []
    t = int(rng.integers(2, gap))
    num_frames = len(present)
    while t < num_frames:
        length = int(rng.integers(blink_frames[0], blink_frames[1] + 1))
        end = t + length - 1
        if end < num_frames and present[t:end + 1].all():
            intervals.append([t, end])
            t = end + 1 + int(rng.integers(gap, 2 * gap))
        else:
            t += 1
    return intervals


def _landmarks(cx: float, cy: float, fw: float, fh: float) -> list:
    """68 points: 36 on the face outline, 2 x 6 on the eyes, 20 on the
    mouth (positions only; the generator does not need them)."""
    pts = []
    for a in np.linspace(0, 2 * np.pi, 36, endpoint=False):
        pts.append([cx + fw / 2 * np.cos(a), cy + fh / 2 * np.sin(a)])
    for side in (-1, 1):
        ex, ey = cx + side * 0.22 * fw, cy - 0.08 * fh
        for a in np.linspace(0, 2 * np.pi, 6, endpoint=False):
            pts.append([ex + 0.1 * fw * np.cos(a), ey + 0.05 * fh * np.sin(a)])
    for a in np.linspace(0, 2 * np.pi, 20, endpoint=False):
        pts.append([
            cx + 0.18 * fw * np.cos(a), cy + 0.25 * fh + 0.04 * fh * np.sin(a)
        ])
    return [[round(float(x), 2), round(float(y), 2)] for x, y in pts]


def _draw_face(img: np.ndarray, cx: float, cy: float, fh: float,
               skin: np.ndarray, hair: np.ndarray, iris: np.ndarray,
               openness: float) -> np.ndarray:
    """Draw a face on ``img`` (in place); return its mask."""
    h, w = img.shape[:2]
    fw = 0.75 * fh
    s = 16  # fixed-point scale for sub-pixel drawing
    mask = np.zeros((h, w), np.uint8)
    centre = (int(cx * s), int(cy * s))
    axes = (int(fw / 2 * s), int(fh / 2 * s))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 255, -1, cv2.LINE_8, 4)
    cv2.ellipse(img, centre, axes, 0, 0, 360, skin.tolist(), -1, cv2.LINE_AA,
                4)
    # hair: the top of the ellipse
    cv2.ellipse(img, centre, axes, 0, 190, 350, hair.tolist(), -1, cv2.LINE_AA,
                4)
    eye_w, eye_h = 0.15 * fw, 0.11 * fh
    for side in (-1, 1):
        ex, ey = cx + side * 0.22 * fw, cy - 0.06 * fh
        c = (int(ex * s), int(ey * s))
        if openness > 0.75:
            cv2.ellipse(img, c, (int(eye_w * s), int(eye_h * s)), 0, 0, 360,
                        (250, 250, 250), -1, cv2.LINE_AA, 4)
            cv2.circle(img, c, int(0.55 * eye_h * s), iris.tolist(), -1,
                       cv2.LINE_AA, 4)
            cv2.circle(img, c, int(0.25 * eye_h * s), (10, 10, 10), -1,
                       cv2.LINE_AA, 4)
        elif openness > 0.25:  # half closed: a narrow slit
            cv2.ellipse(img, c, (int(eye_w * s), int(0.35 * eye_h * s)), 0, 0,
                        360, (200, 200, 200), -1, cv2.LINE_AA, 4)
            cv2.line(img, (c[0] - int(eye_w * s), c[1]),
                     (c[0] + int(eye_w * s), c[1]), (40, 30, 30),
                     max(1, int(0.2 * eye_h)), cv2.LINE_AA, 4)
        else:  # closed: an eyelid line
            cv2.line(img, (c[0] - int(eye_w * s), c[1]),
                     (c[0] + int(eye_w * s), c[1]), (40, 30, 30),
                     max(1, int(0.25 * eye_h)), cv2.LINE_AA, 4)
    mouth = (int(cx * s), int((cy + 0.25 * fh) * s))
    cv2.ellipse(img, mouth, (int(0.18 * fw * s), int(0.05 * fh * s)), 0, 0,
                180, (120, 40, 50), max(1, int(0.04 * fh)), cv2.LINE_AA, 4)
    return mask > 0


def render_blink_video(rng: np.random.Generator,
                       num_frames: int = 60,
                       width: int = 160,
                       height: int = 96,
                       max_faces: int = 3,
                       face_size: Tuple[float, float] = (0.4, 0.55),
                       blink_frames: Tuple[int, int] = (3, 4),
                       blink_gap: int = 8,
                       min_visible: float = 0.5,
                       late_frac: float = 0.15) -> Tuple[np.ndarray, Dict]:
    """Render one video and its raw MPEblink annotation.

    Args:
        rng (np.random.Generator): Random source.
        num_frames (int): Frames. Defaults to 60.
        width (int): Frame width. Defaults to 160.
        height (int): Frame height. Defaults to 96.
        max_faces (int): Most faces in the video. Defaults to 3.
        face_size (tuple[float, float]): Face height range as a fraction
            of the frame height. Defaults to ``(0.4, 0.55)``.
        blink_frames (tuple[int, int]): Blink length range (frames).
            Defaults to ``(3, 4)``.
        blink_gap (int): Least frames between blinks. Defaults to 8.
        min_visible (float): Visible fraction below which an occluded face
            is absent. Defaults to 0.5.
        late_frac (float): A face that enters late (leaves early) is
            absent from at most this fraction of the frames at the start
            (end). Defaults to 0.15.

    Returns:
        tuple: ``[T, H, W, 3]`` uint8 RGB frames and the ``annote.json``
        dict.
    """
    num_faces = int(rng.integers(1, max_faces + 1))
    faces = []
    for _ in range(num_faces):
        fh = rng.uniform(*face_size) * height
        centres, sizes = _face_path(rng, num_frames, width, height, fh)
        # enter late / leave early for some faces
        start, end = 0, num_frames
        late = max(int(late_frac * num_frames), 1)
        if rng.random() < 0.35:
            start = int(rng.integers(1, late + 1))
        if rng.random() < 0.35:
            end = int(rng.integers(num_frames - late, num_frames))
        on_screen = np.zeros(num_frames, bool)
        on_screen[start:end] = True
        faces.append(
            dict(
                centres=centres,
                sizes=sizes,
                on_screen=on_screen,
                skin=rng.integers([150, 100, 70], [255, 200, 170]),
                hair=rng.integers(0, 90, size=3),
                iris=rng.integers(20, 160, size=3)))
    # visibility with depth order = list order (later faces in front)
    visible = np.zeros((num_faces, num_frames), bool)
    bg_color = rng.integers(0, 256, size=3)
    bg = np.empty((height, width, 3), np.float32)
    bg[:] = bg_color
    xx = np.arange(width)[None, :]
    bg += 40 * np.sin(xx / rng.uniform(5, 30) + rng.uniform(0, 6))[..., None]
    for _ in range(4):  # static distractors (not faces)
        colour = rng.integers(0, 256, size=3).tolist()
        p = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.rectangle(bg, p, (p[0] + int(rng.integers(10, 50)),
                              p[1] + int(rng.integers(10, 50))), colour, -1)
    bg = np.clip(bg, 0, 255)

    # blink timeline per face (decided on the on-screen frames first)
    blinks = [
        _blink_intervals(rng, f['on_screen'], blink_frames, blink_gap)
        for f in faces
    ]
    frames = np.empty((num_frames, height, width, 3), np.uint8)
    masks_t = np.zeros((num_faces, height, width), bool)
    for t in range(num_frames):
        img = bg + rng.normal(0, 5, size=bg.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        masks_t[:] = False
        for i, f in enumerate(faces):
            if not f['on_screen'][t]:
                continue
            openness = 1.0
            for s, e in blinks[i]:
                if s <= t <= e:
                    openness = 0.5 if (t in (s, e) and e - s >= 2) else 0.0
            cx, cy = f['centres'][t]
            masks_t[i] = _draw_face(img, cx, cy, f['sizes'][t], f['skin'],
                                    f['hair'], f['iris'], openness)
        for i in range(num_faces):
            if not faces[i]['on_screen'][t]:
                continue
            area = masks_t[i].sum()
            covered = (masks_t[i] & masks_t[i + 1:].any(0)).sum()
            visible[i, t] = area > 0 and (area - covered) >= min_visible * area
        frames[t] = img

    annote = dict(height=height, width=width, length=num_frames)
    for i, f in enumerate(faces):
        bboxes, landmarks = [], []
        for t in range(num_frames):
            if not visible[i, t]:
                bboxes.append(None)
                landmarks.append(None)
                continue
            cx, cy = f['centres'][t]
            fh = f['sizes'][t]
            fw = 0.75 * fh
            x1, y1 = max(cx - fw / 2, 0.0), max(cy - fh / 2, 0.0)
            x2, y2 = min(cx + fw / 2, width), min(cy + fh / 2, height)
            bboxes.append([
                round(float(x1), 2),
                round(float(y1), 2),
                round(float(x2 - x1), 2),
                round(float(y2 - y1), 2)
            ])
            landmarks.append(_landmarks(cx, cy, fw, fh))
        # blinks only count where the face is annotated in every frame
        kept = [[s, e] for s, e in blinks[i] if visible[i, s:e + 1].all()]
        if any(b is not None for b in bboxes):
            annote[str(i)] = dict(bbox=bboxes, landmark=landmarks, blink=kept)
    return frames, annote


def generate_blink_dataset(out_dir: str,
                           num_train: int = 24,
                           num_val: int = 4,
                           num_test: int = 8,
                           num_frames: Tuple[int, int] = (48, 72),
                           width: int = 160,
                           height: int = 96,
                           max_faces: int = 3,
                           fps: float = 12.0,
                           seed: int = 0,
                           progress: bool = True) -> Dict:
    """Write a synthetic MPEblink-style release (see module docstring).

    Args:
        out_dir (str): Output folder.
        num_train (int): Training videos. Defaults to 24.
        num_val (int): ``validate`` videos. Defaults to 4.
        num_test (int): Test videos. Defaults to 8.
        num_frames (tuple[int, int]): Video length range (inclusive).
            Defaults to ``(48, 72)``.
        width (int): Frame width. Defaults to 160.
        height (int): Frame height. Defaults to 96.
        max_faces (int): Most faces per video. Defaults to 3.
        fps (float): Frame rate of the mp4 files. Defaults to 12.
        seed (int): Dataset seed. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Number of videos, faces and blinks per split.
    """
    counts = {s: dict(videos=0, faces=0, blinks=0) for s in SPLITS}
    samples = split_seeds(seed, [('train', num_train), ('validate', num_val),
                                 ('test', num_test)])
    offsets = dict(train=0, validate=100000, test=200000)
    for split, idx, ss in tqdm(
            samples, desc='blink videos', disable=not progress):
        rng = np.random.default_rng(ss)
        length = int(rng.integers(num_frames[0], num_frames[1] + 1))
        frames, annote = render_blink_video(rng, length, width, height,
                                            max_faces)
        video_dir = osp.join(out_dir, split, str(offsets[split] + idx))
        os.makedirs(video_dir, exist_ok=True)
        write_video(osp.join(video_dir, 'video.mp4'), frames, fps)
        with open(osp.join(video_dir, 'annote.json'), 'w') as f:
            json.dump(annote, f)
        persons = [k for k in annote if k not in ('height', 'width', 'length')]
        counts[split]['videos'] += 1
        counts[split]['faces'] += len(persons)
        counts[split]['blinks'] += sum(
            len(annote[p]['blink']) for p in persons)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='blink',
                num_train=num_train,
                num_val=num_val,
                num_test=num_test,
                num_frames=list(num_frames),
                width=width,
                height=height,
                max_faces=max_faces,
                fps=fps,
                seed=seed,
                counts=counts),
            f,
            indent=2)
    return counts
