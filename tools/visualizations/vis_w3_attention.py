# Copyright (c) mmvb contributors. All rights reserved.
"""Draw the spatio-temporal attention masks of a W3 (or CBAM) model over
the frames of a video, one row per stage (the W3 paper's Fig. 3).

Examples::

    python tools/visualizations/vis_w3_attention.py \
        configs/w3/w3-mfr_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py\
        data/sthv1/rawframes/1 --checkpoint work_dirs/.../epoch_50.pth \
        --out w3.png --label-map data/sthv1/label_map.txt
    # compare with CBAM: the same video with the CBAM config and checkpoint
    python tools/visualizations/vis_w3_attention.py CONFIG --checkpoint \
        CKPT demo.mp4 --out attention.png --stages 2 3 --num-frames 5

The video (a file, or a folder of frames named as in the config's test
dataset) goes through the config's test pipeline; the first view is shown.
Without ``--checkpoint`` the weights are random (a quick look at the
plumbing).
"""
import argparse
import os
import os.path as osp

import cv2
from mmengine.config import Config, DictAction
from mmengine.runner import load_checkpoint

from mmvb.apis import build_model_from_cfg, visualize_attention


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('video', help='video file or folder of frames')
    parser.add_argument('--checkpoint', help='checkpoint file')
    parser.add_argument('--out', required=True, help='output image file')
    parser.add_argument(
        '--num-frames', type=int, default=5, help='frames (columns) shown')
    parser.add_argument(
        '--stages',
        type=int,
        nargs='+',
        help='0-based stages shown (default: all)')
    parser.add_argument('--label-map', help='class names, one per line')
    parser.add_argument(
        '--filename-tmpl', help='frame names of a frame folder')
    parser.add_argument('--cell', type=int, default=160, help='cell pixels')
    parser.add_argument(
        '--raw',
        action='store_true',
        help='show raw mask values (default: each row stretched to [0, 1])')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    model = build_model_from_cfg(cfg, device=args.device)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location=args.device)
    label_names = None
    if args.label_map:
        with open(args.label_map) as f:
            label_names = [line.strip() for line in f]
    image = visualize_attention(
        model,
        cfg,
        args.video,
        num_frames=args.num_frames,
        stages=args.stages,
        label_names=label_names,
        filename_tmpl=args.filename_tmpl,
        cell=args.cell,
        normalize=not args.raw)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    if not cv2.imwrite(args.out, cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise SystemExit(f'could not write {args.out}')
    print(f'attention masks written to {args.out} ({image.shape[1]}x'
          f'{image.shape[0]})')


if __name__ == '__main__':
    main()
