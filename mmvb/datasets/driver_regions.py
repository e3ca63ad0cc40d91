# Copyright (c) mmvb contributors. All rights reserved.
"""Driver key regions for DualScope's SBCD pre-training: head, left-hand and
right-hand boxes derived from COCO-WholeBody keypoints (RTMPose), and the
on-disk cache of SAM region tokens.

Both files are written by the offline tools
``tools/dualscope/extract_keypoints.py`` (boxes) and
``tools/dualscope/extract_sam_tokens.py`` (tokens) and read by
:class:`mmvb.datasets.DriPEDataset`.

Box file (mmengine ``BaseDataset`` JSON)::

    {"metainfo": {"regions": ["head", "left_hand", "right_hand"], ...},
     "data_list": [{"img_path": "seq1/000001.jpg", "width": 640,
                    "height": 480,
                    "boxes": [[x1, y1, x2, y2], [...], [...]],
                    "valid": [true, true, false]}, ...]}

Token cache (``.npz``, no pickled objects): ``keys`` (``[N]`` str, the
``img_path`` of each image), ``tokens`` (``[N, 3, C]`` float16, SAM
mask-decoder tokens), ``boxes`` (``[N, 3, 4]`` float32, the prompts
used), ``valid`` (``[N, 3]`` bool) and ``meta`` (a JSON string: format
version, SAM model type, token slot, ...).
"""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

REGION_NAMES = ('head', 'left_hand', 'right_hand')

# COCO-WholeBody (133 keypoints) index groups; left/right are the person's.
WHOLEBODY_HEAD = tuple(range(0, 5)) + tuple(range(23, 91))  # body head, face
WHOLEBODY_LEFT_HAND = (9, ) + tuple(range(91, 112))  # left wrist + hand
WHOLEBODY_RIGHT_HAND = (10, ) + tuple(range(112, 133))  # right wrist + hand
WHOLEBODY_WRISTS = (9, 10)
WHOLEBODY_NOSE = 0

TOKEN_CACHE_VERSION = 1


def _clip_box(box: np.ndarray, width: int, height: int) -> np.ndarray:
    box = box.copy()
    box[[0, 2]] = box[[0, 2]].clip(0, width)
    box[[1, 3]] = box[[1, 3]].clip(0, height)
    return box


def _scaled_box(points: np.ndarray, scale: float, min_size: float, width: int,
                height: int) -> np.ndarray:
    """Tight box of ``points`` scaled about its centre by ``scale``, each
    side at least ``min_size``, clipped to the image."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    size = np.maximum((hi - lo) * scale, min_size)
    box = np.concatenate([centre - size / 2, centre + size / 2])
    return _clip_box(box, width, height)


def wholebody_region_boxes(
        keypoints: np.ndarray,
        scores: np.ndarray,
        image_size: Tuple[int, int],
        score_thr: float = 0.3,
        head_scale: float = 1.3,
        hand_scale: float = 1.5,
        min_size_ratio: float = 0.125,
        min_points: int = 2) -> Tuple[np.ndarray, np.ndarray]:
    """Head, left-hand and right-hand boxes of one person.

    A region uses its keypoints with score above ``score_thr``: the head
    takes the body's nose, eyes and ears and the 68 face points; a hand its
    21 points and the wrist. The tight box of at least ``min_points`` such
    points is enlarged about its centre (``head_scale``; ``hand_scale``),
    made at least ``min_size_ratio`` of the shorter image side on each
    axis, and clipped to the image. A hand with fewer points but a visible
    wrist gets the minimum-size box centred on the wrist; a region with
    neither is invalid (its box is all zeros).

    Args:
        keypoints (np.ndarray): ``[133, 2]`` ``(x, y)`` in pixels.
        scores (np.ndarray): ``[133]`` keypoint scores.
        image_size (tuple[int, int]): ``(width, height)``.
        score_thr (float): Keypoint score threshold. Defaults to 0.3.
        head_scale (float): Head box enlargement (face points miss the
            forehead and hair). Defaults to 1.3.
        hand_scale (float): Hand box enlargement. Defaults to 1.5.
        min_size_ratio (float): Minimum box side over the shorter image
            side. Defaults to 1/8.
        min_points (int): Points needed for a tight box. Defaults to 2.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``boxes`` ``[3, 4]`` float32
        (``x1, y1, x2, y2``, order of :data:`REGION_NAMES`) and ``valid``
        ``[3]`` bool.
    """
    keypoints = np.asarray(keypoints, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    assert keypoints.shape == (133, 2) and scores.shape == (133, ), \
        'expects COCO-WholeBody keypoints [133, 2] and scores [133], got ' \
        f'{keypoints.shape} and {scores.shape}'
    width, height = image_size
    min_size = min_size_ratio * min(width, height)
    boxes = np.zeros((3, 4), dtype=np.float32)
    valid = np.zeros(3, dtype=bool)
    groups = ((WHOLEBODY_HEAD, head_scale,
               None), (WHOLEBODY_LEFT_HAND, hand_scale, WHOLEBODY_WRISTS[0]),
              (WHOLEBODY_RIGHT_HAND, hand_scale, WHOLEBODY_WRISTS[1]))
    for r, (indices, scale, wrist) in enumerate(groups):
        idx = np.asarray(indices)
        visible = idx[scores[idx] > score_thr]
        if len(visible) >= min_points:
            box = _scaled_box(keypoints[visible], scale, min_size, width,
                              height)
        elif wrist is not None and scores[wrist] > score_thr:
            box = _scaled_box(keypoints[[wrist]], 1.0, min_size, width, height)
        else:
            continue
        if box[2] > box[0] and box[3] > box[1]:
            boxes[r], valid[r] = box, True
    return boxes, valid


# ---------------------------------------------------------------------------
# Region-box annotation file
# ---------------------------------------------------------------------------
def dump_region_boxes(path: str,
                      data_list: Sequence[dict],
                      metainfo: Optional[dict] = None) -> None:
    """Write the box file read by :class:`DriPEDataset`.

    Args:
        path (str): Output ``.json``.
        data_list (list[dict]): Per image ``img_path`` (relative to the
            image root), ``width``, ``height``, ``boxes`` ``[3, 4]`` and
            ``valid`` ``[3]``.
        metainfo (dict, optional): Extra metainfo (e.g. the pose model).
    """
    items = []
    for item in data_list:
        boxes = np.asarray(item['boxes'], dtype=np.float32).reshape(3, 4)
        valid = np.asarray(item['valid'], dtype=bool).reshape(3)
        items.append(
            dict(
                img_path=str(item['img_path']),
                width=int(item['width']),
                height=int(item['height']),
                boxes=boxes.round(2).tolist(),
                valid=valid.tolist()))
    meta = dict(regions=list(REGION_NAMES))
    meta.update(metainfo or {})
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(metainfo=meta, data_list=items), f)


# ---------------------------------------------------------------------------
# SAM region-token cache
# ---------------------------------------------------------------------------
def save_region_tokens(path: str,
                       keys: Sequence[str],
                       tokens: np.ndarray,
                       boxes: np.ndarray,
                       valid: np.ndarray,
                       meta: Optional[dict] = None) -> None:
    """Write a token cache (format in the module docstring).

    Args:
        path (str): Output ``.npz``.
        keys (list[str]): ``img_path`` of each image (unique).
        tokens (np.ndarray): ``[N, 3, C]`` region tokens (stored float16).
        boxes (np.ndarray): ``[N, 3, 4]`` prompt boxes.
        valid (np.ndarray): ``[N, 3]`` bool.
        meta (dict, optional): Provenance (model type, checkpoint, ...).
    """
    keys = [str(k) for k in keys]
    n = len(keys)
    tokens = np.asarray(tokens)
    boxes = np.asarray(boxes, dtype=np.float32)
    valid = np.asarray(valid, dtype=bool)
    if len(set(keys)) != n:
        raise ValueError('token cache keys must be unique')
    if tokens.ndim != 3 or tokens.shape[:2] != (n, 3):
        raise ValueError(f'tokens must be [{n}, 3, C], got {tokens.shape}')
    if boxes.shape != (n, 3, 4) or valid.shape != (n, 3):
        raise ValueError(f'boxes must be [{n}, 3, 4] and valid [{n}, 3], '
                         f'got {boxes.shape} and {valid.shape}')
    info = dict(version=TOKEN_CACHE_VERSION, regions=list(REGION_NAMES))
    info.update(meta or {})
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'wb') as f:
        np.savez(
            f,
            keys=np.asarray(keys, dtype=np.str_),
            tokens=tokens.astype(np.float16),
            boxes=boxes,
            valid=valid,
            meta=np.asarray(json.dumps(info)))


class RegionTokenCache:
    """Reader of a SAM region-token cache.

    Args:
        path (str): The ``.npz`` written by :func:`save_region_tokens`.

    Attributes:
        meta (dict): The cache's provenance.
        keys (list[str]): ``img_path`` of each cached image.
    """

    def __init__(self, path: str) -> None:
        with np.load(path, allow_pickle=False) as data:
            missing = {'keys', 'tokens', 'boxes', 'valid', 'meta'} - set(
                data.files)
            if missing:
                raise ValueError(f'{path} is not a region-token cache '
                                 f'(missing {sorted(missing)})')
            self.meta = json.loads(str(data['meta']))
            self.keys = [str(k) for k in data['keys']]
            self.tokens = data['tokens']
            self.boxes = data['boxes']
            self.valid = data['valid']
        if self.meta.get('version') != TOKEN_CACHE_VERSION:
            raise ValueError(f'{path}: token cache version '
                             f'{self.meta.get("version")}, this mmvb reads '
                             f'version {TOKEN_CACHE_VERSION}')
        self._index = {k: i for i, k in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    @property
    def token_dims(self) -> int:
        """Token width ``C`` (256 for SAM)."""
        return int(self.tokens.shape[-1])

    def get(self, key: str) -> Dict[str, np.ndarray]:
        """``tokens`` ``[3, C]`` float32, ``boxes`` ``[3, 4]`` and ``valid``
        ``[3]`` of one image."""
        if key not in self._index:
            raise KeyError(f'{key!r} is not in the token cache')
        i = self._index[key]
        return dict(
            tokens=self.tokens[i].astype(np.float32),
            boxes=self.boxes[i],
            valid=self.valid[i])
