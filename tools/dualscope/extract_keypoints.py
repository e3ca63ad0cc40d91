# Copyright (c) mmvb contributors. All rights reserved.
"""Head, left-hand and right-hand boxes per image from RTMPose whole-body
keypoints (DualScope's SBCD pre-training data).

One driver per image: the whole image is the person box given to the
top-down RTMPose model (COCO-WholeBody, 133 keypoints); the boxes follow
:func:`mmvb.datasets.wholebody_region_boxes`. Writes the box file read by
``DriPEDataset`` (image paths relative to ``img_root``).

Needs mmpose (``pip install "mmpose>=1.0.0,<1.4.0"``, which needs
torchvision). Example::

    python tools/dualscope/extract_keypoints.py data/dripe/images \\
        data/dripe/dripe_region_boxes.json \\
        --checkpoint checkpoints/rtmpose-l_wholebody-384x288.pth

(the checkpoint of mmpose's ``rtmpose-l_8xb32-270e_coco-wholebody-384x288``
model-zoo entry, downloaded once.)
"""
import argparse
import os
import os.path as osp
from typing import Callable, List, Sequence, Tuple

import cv2
import numpy as np
from tqdm import tqdm

from mmvb.datasets.driver_regions import (dump_region_boxes,
                                          wholebody_region_boxes)

DEFAULT_CONFIG = ('mmpose::wholebody_2d_keypoint/rtmpose/coco-wholebody/'
                  'rtmpose-l_8xb32-270e_coco-wholebody-384x288.py')
IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')

# (image path, width, height) -> (keypoints [133, 2], scores [133])
Estimator = Callable[[str, int, int], Tuple[np.ndarray, np.ndarray]]


def list_images(img_root: str, exts: Sequence[str] = IMAGE_EXTS) -> List[str]:
    """Image paths under ``img_root`` (recursive), relative, sorted."""
    out = []
    for folder, _, files in os.walk(img_root):
        for name in files:
            if name.lower().endswith(tuple(exts)):
                out.append(osp.relpath(osp.join(folder, name), img_root))
    return sorted(out)


def build_mmpose_estimator(config: str,
                           checkpoint: str,
                           device: str = 'cpu') -> Estimator:
    """A whole-image top-down RTMPose estimator (needs mmpose)."""
    try:
        from mmpose.apis import inference_topdown, init_model
    except ImportError as e:
        raise SystemExit(
            'extract_keypoints.py needs mmpose (and torchvision): '
            '`pip install "mmpose>=1.0.0,<1.4.0"` '
            f'(import failed: {e})')
    if config.startswith('mmpose::'):
        from mmengine.config import Config
        config = Config.fromfile(config)
    model = init_model(config, checkpoint, device=device)

    def estimate(path: str, width: int,
                 height: int) -> Tuple[np.ndarray, np.ndarray]:
        bbox = np.array([[0, 0, width, height]], dtype=np.float32)
        sample = inference_topdown(
            model, path, bboxes=bbox, bbox_format='xyxy')[0]
        inst = sample.pred_instances
        return (np.asarray(inst.keypoints)[0],
                np.asarray(inst.keypoint_scores)[0])

    return estimate


def extract_region_boxes(img_root: str,
                         out_file: str,
                         estimator: Estimator,
                         score_thr: float = 0.3,
                         head_scale: float = 1.3,
                         hand_scale: float = 1.5,
                         progress: bool = True,
                         metainfo: dict = None) -> dict:
    """Run ``estimator`` on every image and write the box file.

    Returns:
        dict: Number of images and of valid regions per region name.
    """
    items = []
    for rel in tqdm(
            list_images(img_root), desc='keypoints', disable=not progress):
        path = osp.join(img_root, rel)
        img = cv2.imread(path)
        if img is None:
            raise OSError(f'cannot read {path}')
        height, width = img.shape[:2]
        keypoints, scores = estimator(path, width, height)
        boxes, valid = wholebody_region_boxes(keypoints, scores,
                                              (width, height), score_thr,
                                              head_scale, hand_scale)
        items.append(
            dict(
                img_path=rel,
                width=width,
                height=height,
                boxes=boxes,
                valid=valid))
    meta = dict(
        score_thr=score_thr, head_scale=head_scale, hand_scale=hand_scale)
    meta.update(metainfo or {})
    dump_region_boxes(out_file, items, meta)
    valid = np.array([i['valid'] for i in items]).reshape(-1, 3)
    return dict(
        images=len(items),
        valid_head=int(valid[:, 0].sum()),
        valid_left_hand=int(valid[:, 1].sum()),
        valid_right_hand=int(valid[:, 2].sum()))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('img_root', help='folder of images (recursive)')
    parser.add_argument('out_file', help='output box file (.json)')
    parser.add_argument(
        '--config', default=DEFAULT_CONFIG, help='RTMPose whole-body config')
    parser.add_argument(
        '--checkpoint', required=True, help='RTMPose checkpoint path or URL')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--head-scale', type=float, default=1.3)
    parser.add_argument('--hand-scale', type=float, default=1.5)
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    estimator = build_mmpose_estimator(args.config, args.checkpoint,
                                       args.device)
    stats = extract_region_boxes(
        args.img_root,
        args.out_file,
        estimator,
        args.score_thr,
        args.head_scale,
        args.hand_scale,
        progress=not args.no_progress,
        metainfo=dict(
            pose_config=args.config,
            pose_checkpoint=osp.basename(args.checkpoint)))
    print(stats)


if __name__ == '__main__':
    main()
