# Copyright (c) mmvb contributors. All rights reserved.
"""Ground-truth pickles of the ACT detector (UCF101-24, JHMDB51-21).

The format (Kalogeiton et al., ICCV 2017; reused by MOC, YOWO and
MMAction2's MultiSports tools) is one dict:

.. code-block:: none

    labels        list[str]                 class names
    gttubes       {video: {label: [tube]}}  label: 0-based class index,
                                            tube: [n, 5] float array of
                                            (1-based frame, x1, y1, x2, y2)
                                            in pixels
    nframes       {video: int}
    train_videos  [list[str], ...]          one list per split
    test_videos   [list[str], ...]
    resolution    {video: (height, width)}

The released ``UCF101v2-GT.pkl`` and ``JHMDB-GT.pkl`` are Python 2
pickles. :func:`load_act_gt` reads both those and the Python 3 files that
:func:`clean_act_gt` + :func:`save_act_gt` write
(``tools/data/{ucf101_24,jhmdb}/``). :func:`act_gt_from_pyannot` builds the
same dict for UCF101-24 from the corrected annotations published on GitHub
(gurkirt/corrected-UCF101-Annots, ``pyannot_with_class_names.pkl``).
"""
import os.path as osp
import pickle
from typing import Dict, List, Optional

import numpy as np

from .annotation_io import AnnotationError, check_box

# UCF101 videos are 320x240 (Soomro et al., 2012).
UCF101_RESOLUTION = (240, 320)

ACT_GT_KEYS = ('labels', 'gttubes', 'nframes', 'train_videos', 'test_videos',
               'resolution')


def load_act_gt(path: str) -> dict:
    """Load an ACT ground-truth pickle (Python 2 or 3).

    Python 2 pickles hold numpy arrays whose bytes were pickled as ``str``;
    ``encoding='latin1'`` is what numpy needs to read them back (plain
    ``pickle.load`` and ``mmengine.load`` fail on them).

    Args:
        path (str): The pickle.

    Returns:
        dict: See the module docstring.

    Raises:
        AnnotationError: A key of :data:`ACT_GT_KEYS` is missing (names
            the file and the key).
        ValueError: A tube that is not an ``[n, 5]`` array, or a label
            outside ``labels``, naming the file, video, label and tube.
    """
    with open(path, 'rb') as f:
        gt = pickle.load(f, encoding='latin1')
    check_act_gt(gt, path)
    return gt


def check_act_gt(gt: dict, path: str = '<ACT ground truth>') -> None:
    """Check the structure of a loaded ACT pickle (see
    :func:`load_act_gt`); errors name ``path`` and the offending key."""
    if not isinstance(gt, dict):
        raise ValueError(f'{path}: an ACT ground-truth pickle holds a dict, '
                         f'got {type(gt).__name__}')
    missing = [k for k in ACT_GT_KEYS if k not in gt]
    if missing:
        raise AnnotationError(
            path, f'not an ACT ground-truth pickle: missing keys {missing} '
            f'(has {sorted(gt)})',
            key=missing[0])
    num_labels = len(gt['labels'])
    for video, tubes in gt['gttubes'].items():
        where = f'{path}: gttubes[{_text(video)!r}]'
        if _text(video) not in {_text(v) for v in gt['nframes']}:
            raise ValueError(f'{where}: video missing from nframes')
        for label, label_tubes in tubes.items():
            if not 0 <= int(label) < num_labels:
                raise ValueError(f'{where}: label {label} outside [0, '
                                 f'{num_labels}) (labels has {num_labels} '
                                 'names)')
            for i, tube in enumerate(label_tubes):
                shape = np.shape(tube)
                if len(shape) != 2 or shape[1] != 5:
                    raise ValueError(
                        f'{where}[{label}][{i}]: a tube is an [n, 5] array '
                        f'of (frame, x1, y1, x2, y2), got shape {shape}')


def _text(value) -> str:
    return value.decode('latin1') if isinstance(value, bytes) else str(value)


def clean_act_gt(gt: dict) -> Dict:
    """Normalise types and drop impossible annotations.

    Names become ``str``, labels ``int``, tubes ``float32 [n, 5]`` arrays,
    frame counts ``int`` and resolutions ``(int, int)``. Tube rows outside
    ``[1, nframes]`` are dropped and boxes are clipped to the frame; rows
    whose clipped box is empty are dropped, and tubes left without rows
    too.

    Args:
        gt (dict): A loaded ACT pickle.

    Returns:
        dict: The cleaned annotations plus ``stats`` (counts of what was
        dropped or clipped).
    """
    check_act_gt(gt)
    stats = dict(
        rows_out_of_range=0, boxes_clipped=0, rows_empty=0, tubes_dropped=0)
    nframes = {_text(v): int(n) for v, n in gt['nframes'].items()}
    resolution = {
        _text(v): (int(hw[0]), int(hw[1]))
        for v, hw in gt['resolution'].items()
    }
    gttubes = {}
    for video, tubes_by_label in gt['gttubes'].items():
        video = _text(video)
        height, width = resolution[video]
        cleaned = {}
        for label, tubes in tubes_by_label.items():
            kept = []
            for tube in tubes:
                tube = np.asarray(tube, dtype=np.float32).reshape(-1, 5)
                in_range = (tube[:, 0] >= 1) & (tube[:, 0] <= nframes[video])
                stats['rows_out_of_range'] += int((~in_range).sum())
                tube = tube[in_range].copy()
                clipped = tube[:, 1:5].copy()
                clipped[:, 0::2] = clipped[:, 0::2].clip(0, width)
                clipped[:, 1::2] = clipped[:, 1::2].clip(0, height)
                stats['boxes_clipped'] += int(
                    (np.abs(clipped - tube[:, 1:5]) > 0).any(1).sum())
                tube[:, 1:5] = clipped
                nonempty = ((tube[:, 3] > tube[:, 1]) &
                            (tube[:, 4] > tube[:, 2]))
                stats['rows_empty'] += int((~nonempty).sum())
                tube = tube[nonempty]
                if len(tube):
                    kept.append(tube)
                else:
                    stats['tubes_dropped'] += 1
            if kept:
                cleaned[int(label)] = kept
        gttubes[video] = cleaned
    return dict(
        labels=[_text(name) for name in gt['labels']],
        gttubes=gttubes,
        nframes=nframes,
        train_videos=[[_text(v) for v in split]
                      for split in gt['train_videos']],
        test_videos=[[_text(v) for v in split] for split in gt['test_videos']],
        resolution=resolution,
        stats=stats)


def act_gt_from_pyannot(path: str,
                        resolution: tuple = UCF101_RESOLUTION) -> dict:
    """ACT ground truth from the corrected UCF101-24 annotations.

    ``pyannot_with_class_names.pkl`` (gurkirt/corrected-UCF101-Annots) holds
    ``classes`` (24 names), ``trainvideos`` (split 1) and ``db``:
    ``{video: {'numf', 'label', 'annotations': [{'label', 'sf', 'ef',
    'boxes'}]}}``, where ``sf`` is the 0-based first frame, ``ef`` the
    exclusive end (``ef - sf`` boxes) and ``boxes`` ``[n, 4]`` integer
    ``(x, y, w, h)`` arrays. The types are those of a MATLAB export: video
    names are ``numpy.str_``, ``numf`` is ``uint8`` or ``uint16`` and the
    boxes are ``uint8`` where they fit, so ``x + w`` must not be computed in
    the stored type (1,445 tubes would wrap around 255).

    Args:
        path (str): The pickle.
        resolution (tuple): ``(height, width)`` of every video, for the
            box check. Defaults to UCF101's ``(240, 320)``.

    Returns:
        dict: See the module docstring; the test videos are those not in
        ``trainvideos``.

    Raises:
        AnnotationError: A missing key, a tube whose length disagrees with
            ``ef - sf``, a frame outside the video or a box outside the
            frame, naming the file and the key.
    """
    with open(path, 'rb') as f:
        raw = pickle.load(f, encoding='latin1')
    for key in ('db', 'trainvideos', 'classes'):
        if key not in raw:
            raise AnnotationError(
                path, f'not a pyannot_with_class_names.pkl: missing key '
                f'(has {sorted(raw)})',
                key=key)
    labels = [str(c) for c in raw['classes']]
    height, width = resolution
    gttubes, nframes = {}, {}
    for video in sorted(raw['db'], key=str):
        entry, name = raw['db'][video], str(video)
        num = int(entry['numf'])
        nframes[name] = num
        tubes = {}
        for i, tube in enumerate(entry['annotations']):
            where = f"db[{name!r}]['annotations'][{i}]"
            label, sf, ef = int(tube['label']), int(tube['sf']), int(
                tube['ef'])
            boxes = np.asarray(tube['boxes']).astype(np.float32)
            if not 0 <= label < len(labels):
                raise AnnotationError(
                    path, f'label {label} is not in the {len(labels)} '
                    'classes',
                    key=where)
            if boxes.shape != (ef - sf, 4):
                raise AnnotationError(
                    path, f'{boxes.shape[0]} boxes for frames sf={sf} to '
                    f'ef={ef} (expected ef - sf = {ef - sf})',
                    key=where)
            if sf < 0 or ef > num:
                raise AnnotationError(
                    path, f'frames {sf + 1}..{ef} leave the {num}-frame '
                    'video',
                    key=where)
            boxes[:, 2:] += boxes[:, :2]  # (x, y, w, h) -> corners
            for k, box in enumerate(boxes):
                check_box(box, width, height, path, key=f'{where}[{k}]')
            frames = np.arange(sf + 1, ef + 1, dtype=np.float32)[:, None]
            tubes.setdefault(label, []).append(
                np.concatenate([frames, boxes], axis=1))
        gttubes[name] = tubes
    train = sorted(str(v) for v in raw['trainvideos'])
    unknown = sorted(set(train) - set(nframes))
    if unknown:
        raise AnnotationError(
            path, f'{len(unknown)} training videos are not in db, e.g. '
            f'{unknown[:3]}',
            key='trainvideos')
    return dict(
        labels=labels,
        gttubes=gttubes,
        nframes=nframes,
        train_videos=[train],
        test_videos=[sorted(set(nframes) - set(train))],
        resolution={v: tuple(resolution)
                    for v in nframes})


def read_act_release(path: str) -> dict:
    """An ACT pickle, or the corrected UCF101-24 annotations converted by
    :func:`act_gt_from_pyannot` (told apart by their keys)."""
    with open(path, 'rb') as f:
        raw = pickle.load(f, encoding='latin1')
    if isinstance(raw, dict) and 'db' in raw and 'classes' in raw:
        return act_gt_from_pyannot(path)
    check_act_gt(raw, path)
    return raw


def save_act_gt(gt: dict, path: str) -> None:
    """Write ACT annotations as a Python 3 pickle (``stats`` left out)."""
    with open(path, 'wb') as f:
        pickle.dump({k: gt[k] for k in ACT_GT_KEYS}, f, protocol=4)


def missing_frames(gt: dict,
                   frame_root: str,
                   filename_tmpl: str,
                   start_index: int = 1) -> List[str]:
    """Videos of any split whose first or last frame file is missing.

    Args:
        gt (dict): ACT annotations.
        frame_root (str): Folder holding ``<video>/<frame files>``.
        filename_tmpl (str): Frame file name, e.g. ``'{:05}.jpg'``.
        start_index (int): Number of the first frame file. Defaults to 1.

    Returns:
        list[str]: The incomplete videos.
    """
    videos = sorted(
        {v
         for split in gt['train_videos'] + gt['test_videos'] for v in split})
    bad = []
    for video in videos:
        first = osp.join(frame_root, video, filename_tmpl.format(start_index))
        last = osp.join(
            frame_root, video,
            filename_tmpl.format(start_index + gt['nframes'][video] - 1))
        if not (osp.isfile(first) and osp.isfile(last)):
            bad.append(video)
    return bad


def convert_act_release(gt_file: str,
                        out_file: str,
                        frame_root: Optional[str] = None,
                        filename_tmpl: str = '{:05}.jpg') -> Dict:
    """Convert a released ACT pickle into the file mmvb's configs read.

    Loads ``gt_file`` (Python 2 or 3; or UCF101-24's corrected
    ``pyannot_with_class_names.pkl``), cleans it (:func:`clean_act_gt`),
    checks that every video's first and last frame exist under
    ``frame_root`` (when given) and writes ``out_file`` (Python 3 pickle).

    Args:
        gt_file (str): Released pickle (``UCF101v2-GT.pkl``,
            ``JHMDB-GT.pkl``, ``pyannot_with_class_names.pkl``).
        out_file (str): Output pickle.
        frame_root (str, optional): Frame folder to check.
        filename_tmpl (str): Frame file name. Defaults to ``'{:05}.jpg'``.

    Returns:
        dict: Summary (classes, videos per split, tubes, cleaning stats).

    Raises:
        FileNotFoundError: If frames of some video are missing.
    """
    gt = clean_act_gt(read_act_release(gt_file))
    if frame_root is not None:
        bad = missing_frames(gt, frame_root, filename_tmpl)
        if bad:
            raise FileNotFoundError(
                f'{len(bad)} videos have missing frames under {frame_root} '
                f'(template {filename_tmpl!r}), e.g. {bad[:3]}')
    save_act_gt(gt, out_file)
    return dict(
        num_classes=len(gt['labels']),
        num_videos=len(gt['nframes']),
        train_videos=[len(s) for s in gt['train_videos']],
        test_videos=[len(s) for s in gt['test_videos']],
        num_tubes=sum(
            len(t) for v in gt['gttubes'].values() for t in v.values()),
        **gt['stats'])
