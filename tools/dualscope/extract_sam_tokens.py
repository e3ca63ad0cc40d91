# Copyright (c) mmvb contributors. All rights reserved.
"""Cache SAM's position-aware tokens of the head, left-hand and right-hand
boxes (DualScope's CRCD input), as RegionSpot does.

For each image of a box file (``extract_keypoints.py``), the three boxes
prompt SAM's mask decoder (``multimask_output=False``); the token kept is
the two-way transformer's output at the first mask-token slot, before the
hypernetwork MLP (256-d for every SAM size). Invalid regions get zeros.
Writes the ``.npz`` token cache read by ``DriPEDataset`` (format in
:mod:`mmvb.datasets.driver_regions`).

Needs segment-anything (``pip install segment-anything``) and a SAM
checkpoint, e.g. ``sam_vit_b_01ec64.pth``. Example::

    python tools/dualscope/extract_sam_tokens.py data/dripe/images \\
        data/dripe/dripe_region_boxes.json data/dripe/dripe_sam_tokens.npz \\
        --checkpoint checkpoints/sam_vit_b_01ec64.pth --model-type vit_b
"""
import argparse
import os.path as osp
from typing import Callable

import cv2
import numpy as np
import torch
from mmengine.fileio import load
from tqdm import tqdm

from mmvb.datasets.driver_regions import save_region_tokens

# (RGB uint8 image [H, W, 3], boxes [n, 4] xyxy pixels) -> tokens [n, C]
TokenEncoder = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Where the cached token comes from, recorded in the cache's metadata.
TOKEN_SLOT = ('mask_decoder.transformer output hs[:, 1] (first mask token, '
              'before the hypernetwork MLP), multimask_output=False')


def build_sam_encoder(checkpoint: str,
                      model_type: str = 'vit_b',
                      device: str = 'cpu') -> TokenEncoder:
    """A SAM region-token encoder (needs segment-anything)."""
    try:
        from segment_anything import SamPredictor, sam_model_registry
    except ImportError as e:
        raise SystemExit(
            'extract_sam_tokens.py needs segment-anything: '
            f'`pip install segment-anything` (import failed: {e})')
    sam = sam_model_registry[model_type](checkpoint=checkpoint)
    sam = sam.to(device).eval()
    predictor = SamPredictor(sam)
    store = {}
    sam.mask_decoder.transformer.register_forward_hook(
        lambda module, inputs, outputs: store.update(hs=outputs[0]))

    @torch.no_grad()
    def encode(rgb: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        predictor.set_image(rgb)
        prompts = predictor.transform.apply_boxes_torch(
            torch.as_tensor(boxes, dtype=torch.float32, device=device),
            rgb.shape[:2])
        predictor.predict_torch(
            point_coords=None,
            point_labels=None,
            boxes=prompts,
            multimask_output=False)
        return store['hs'][:, 1].float().cpu().numpy()

    return encode


def extract_region_tokens(img_root: str,
                          box_file: str,
                          out_file: str,
                          encoder: TokenEncoder,
                          progress: bool = True,
                          meta: dict = None) -> dict:
    """Encode the valid boxes of every image and write the token cache.

    Returns:
        dict: Number of images and of encoded regions.
    """
    annotations = load(box_file)
    keys, tokens, boxes, valid = [], [], [], []
    dims = None
    for item in tqdm(
            annotations['data_list'], desc='SAM tokens', disable=not progress):
        path = osp.join(img_root, item['img_path'])
        bgr = cv2.imread(path)
        if bgr is None:
            raise OSError(f'cannot read {path}')
        b = np.asarray(item['boxes'], dtype=np.float32).reshape(3, 4)
        v = np.asarray(item['valid'], dtype=bool).reshape(3)
        out = None
        if v.any():
            enc = np.asarray(encoder(bgr[..., ::-1].copy(), b[v]))
            dims = dims or enc.shape[-1]
            out = np.zeros((3, dims), np.float32)
            out[v] = enc
        keys.append(item['img_path'])
        tokens.append(out)
        boxes.append(b)
        valid.append(v)
    dims = dims or 256
    tokens = np.stack([
        t if t is not None else np.zeros((3, dims), np.float32) for t in tokens
    ]) if keys else np.zeros((0, 3, dims), np.float32)
    info = dict(token_slot=TOKEN_SLOT, box_file=osp.basename(box_file))
    info.update(meta or {})
    save_region_tokens(out_file, keys, tokens,
                       np.asarray(boxes, np.float32).reshape(-1, 3, 4),
                       np.asarray(valid, bool).reshape(-1, 3), info)
    return dict(images=len(keys), regions=int(np.sum(valid)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('img_root', help='image folder of the box file')
    parser.add_argument('box_file', help='box file of extract_keypoints.py')
    parser.add_argument('out_file', help='output token cache (.npz)')
    parser.add_argument('--checkpoint', required=True, help='SAM checkpoint')
    parser.add_argument(
        '--model-type', default='vit_b', choices=['vit_b', 'vit_l', 'vit_h'])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    encoder = build_sam_encoder(args.checkpoint, args.model_type, args.device)
    stats = extract_region_tokens(
        args.img_root,
        args.box_file,
        args.out_file,
        encoder,
        progress=not args.no_progress,
        meta=dict(
            sam_model_type=args.model_type,
            sam_checkpoint=osp.basename(args.checkpoint)))
    print(stats)


if __name__ == '__main__':
    main()
