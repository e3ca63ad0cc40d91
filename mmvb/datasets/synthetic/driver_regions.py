# Copyright (c) mmvb contributors. All rights reserved.
"""DriPE-like images with key-region boxes and synthetic region tokens.

Each image shows a cabin-like background, a steering-wheel ring, a head
(ellipse) and two hands (discs) at random places; the boxes of the head,
left hand and right hand are known exactly. A hand is hidden (its region
invalid) with probability ``p_hidden``. The "SAM tokens" are a fixed random
function of the region type and its box (position-aware, as SAM's
mask-decoder tokens are), plus a little noise.

Layout written to ``out_dir`` (the formats of the real tools)::

    images/{train,val}/{index:05d}.jpg
    {train,val}_boxes.json        # tools/dualscope/extract_keypoints.py
    {train,val}_sam_tokens.npz    # tools/dualscope/extract_sam_tokens.py
    meta.json
"""
import json
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from ..driver_regions import dump_region_boxes, save_region_tokens
from .video_io import split_seeds


def render_driver_image(
        rng: np.random.Generator,
        size: int = 112,
        p_hidden: float = 0.1) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render one image.

    Args:
        rng (np.random.Generator): Random source.
        size (int): Image side in pixels. Defaults to 112.
        p_hidden (float): Probability that a hand is not drawn.
            Defaults to 0.1.

    Returns:
        tuple: ``image`` ``[size, size, 3]`` uint8 RGB, ``boxes`` ``[3, 4]``
        float32 (head, left hand, right hand; zeros when invalid) and
        ``valid`` ``[3]`` bool.
    """
    s = float(size)
    top = rng.integers(20, 90, size=3)
    bottom = rng.integers(20, 90, size=3)
    ramp = np.linspace(0.0, 1.0, size)[:, None, None]
    img = top * (1 - ramp) + bottom * ramp + np.zeros((1, size, 3))
    img += rng.normal(0.0, 5.0, size=img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    wheel_c = (int(rng.uniform(0.3, 0.7) * s), int(rng.uniform(0.6, 0.8) * s))
    cv2.circle(img, wheel_c, int(0.22 * s), (40, 40, 40), max(2, size // 28),
               cv2.LINE_AA)

    boxes = np.zeros((3, 4), np.float32)
    valid = np.zeros(3, bool)
    # Head: an ellipse in the upper half.
    skin = rng.integers(140, 230, size=3).tolist()
    hx, hy = rng.uniform(0.3, 0.7) * s, rng.uniform(0.2, 0.4) * s
    ax, ay = rng.uniform(0.08, 0.12) * s, rng.uniform(0.10, 0.15) * s
    cv2.ellipse(img, (int(hx), int(hy)), (int(ax), int(ay)), 0, 0, 360, skin,
                -1, cv2.LINE_AA)
    boxes[0] = [hx - ax, hy - ay, hx + ax, hy + ay]
    valid[0] = True
    # Hands: discs in the lower half, the person's left hand on the image's
    # right (a driver-facing camera).
    for r, (lo, hi) in ((1, (0.55, 0.9)), (2, (0.1, 0.45))):
        if rng.random() < p_hidden:
            continue
        cx, cy = rng.uniform(lo, hi) * s, rng.uniform(0.5, 0.85) * s
        rad = rng.uniform(0.05, 0.08) * s
        color = np.clip(np.asarray(skin) + rng.integers(-20, 20, 3), 0,
                        255).tolist()
        cv2.circle(img, (int(cx), int(cy)), int(rad), color, -1, cv2.LINE_AA)
        boxes[r] = [cx - rad, cy - rad, cx + rad, cy + rad]
        valid[r] = True
    boxes = np.clip(boxes, 0, s)
    return img, boxes, valid


def synthetic_region_tokens(boxes: np.ndarray,
                            valid: np.ndarray,
                            image_size: int,
                            rng: np.random.Generator,
                            dims: int = 256,
                            noise: float = 0.05) -> np.ndarray:
    """Position-aware stand-ins for SAM tokens: ``tanh`` of a fixed random
    projection (seed 0) of the region type and normalised box, plus noise;
    invalid regions get zeros.

    Returns:
        np.ndarray: ``[3, dims]`` float32.
    """
    proj = np.random.default_rng(0).normal(0.0, 1.0, size=(11, dims))
    b = boxes / float(image_size)
    centre, extent = (b[:, :2] + b[:, 2:]) / 2, b[:, 2:] - b[:, :2]
    feats = np.concatenate([np.eye(3), b, centre, extent], axis=1)
    tokens = np.tanh(feats @ proj) + rng.normal(0.0, noise, (3, dims))
    return (tokens * valid[:, None]).astype(np.float32)


def generate_driver_regions_dataset(out_dir: str,
                                    num_train: int = 256,
                                    num_val: int = 0,
                                    size: int = 112,
                                    token_dims: int = 256,
                                    p_hidden: float = 0.1,
                                    seed: int = 0,
                                    progress: bool = True) -> Dict:
    """Write the synthetic key-region set (see module docstring).

    Args:
        out_dir (str): Output folder.
        num_train (int): Training images. Defaults to 256.
        num_val (int): Validation images. Defaults to 0.
        size (int): Image side. Defaults to 112.
        token_dims (int): Token width. Defaults to 256 (SAM's).
        p_hidden (float): Probability of a hidden hand. Defaults to 0.1.
        seed (int): Dataset seed. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths of the box files and token caches per split.
    """
    items = {'train': [], 'val': []}
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='driver images', disable=not progress):
        rng = np.random.default_rng(ss)
        img, boxes, valid = render_driver_image(rng, size, p_hidden)
        tokens = synthetic_region_tokens(boxes, valid, size, rng, token_dims)
        rel = f'images/{split}/{idx:05d}.jpg'
        path = osp.join(out_dir, rel)
        os.makedirs(osp.dirname(path), exist_ok=True)
        if not cv2.imwrite(path, cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 95]):
            raise OSError(f'cannot write {path}')
        items[split].append((rel, boxes, valid, tokens))
    files = {}
    for split, split_items in items.items():
        if not split_items:
            continue
        rels, boxes, valid, tokens = map(list, zip(*split_items))
        box_file = osp.join(out_dir, f'{split}_boxes.json')
        token_file = osp.join(out_dir, f'{split}_sam_tokens.npz')
        dump_region_boxes(
            box_file, [
                dict(img_path=r, width=size, height=size, boxes=b, valid=v)
                for r, b, v in zip(rels, boxes, valid)
            ],
            metainfo=dict(source='synthetic'))
        save_region_tokens(
            token_file,
            rels,
            np.stack(tokens),
            np.stack(boxes),
            np.stack(valid),
            meta=dict(source='synthetic', token_slot='synthetic'))
        files[f'{split}_boxes'] = box_file
        files[f'{split}_tokens'] = token_file
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='driver-regions',
                num_train=num_train,
                num_val=num_val,
                size=size,
                token_dims=token_dims,
                p_hidden=p_hidden,
                seed=seed),
            f,
            indent=2)
    return files
