# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink on a video file: tracked faces, ids and blinks.

Writes the video back with the face boxes, track ids and blink events
drawn, a per-person blink timeline plot and the results in the MPEblink
result format (JSON). The video is processed clip by clip (36 frames,
stride 18), so memory does not grow with its length.

Example::

    CONFIG=$(ls configs/instblink/instblink_ytvis19-*_mpeblink-rgb.py)
    python demo/instblink_demo.py video.mp4 $CONFIG \
        --checkpoint work_dirs/instblink/iter_10000.pth --out-dir demo_out
    # the released official checkpoint (converted on the fly)
    python demo/instblink_demo.py video.mp4 CONFIG \
        --checkpoint instblink_r50.pth --official
"""
import argparse
import json
import os
import os.path as osp

import cv2
import torch
from mmengine.config import Config
from mmengine.runner import load_state_dict

from mmvb.apis import build_model_from_cfg, inference_instblink
from mmvb.apis.instblink_visualization import (plot_blink_timeline,
                                               render_instblink_video)
from mmvb.models import convert_official_instblink


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('video', help='input video file')
    parser.add_argument('config', help='InstBlink config')
    parser.add_argument('--checkpoint', help='model weights')
    parser.add_argument(
        '--official',
        action='store_true',
        help='the checkpoint is the official (mmdet 2.x) one')
    parser.add_argument('--out-dir', default='demo_out', help='output folder')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--clip-len', type=int, default=36)
    parser.add_argument('--stride', type=int, default=18)
    parser.add_argument(
        '--input-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help='network frame size (default: the config test size)')
    parser.add_argument('--score-thr', type=float, default=0.5)
    parser.add_argument('--iou-thr', type=float, default=0.2)
    parser.add_argument('--blink-thr', type=float, default=0.3)
    parser.add_argument(
        '--nms-thr',
        type=float,
        help='temporal NMS of a clip\'s queries (InstBlink++; off by default)')
    parser.add_argument(
        '--frame-thr',
        type=float,
        help='frames whose face probability is not above this are absent '
        '(off by default, as the official code)')
    return parser.parse_args(argv)


def test_size(cfg: Config):
    """``(w, h)`` of the config's test Resize (None: keep the size)."""
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'Resize':
            return tuple(step['scale'])
    return None


def load_model(args):
    cfg = Config.fromfile(args.config)
    model = build_model_from_cfg(cfg, device=args.device)
    if args.checkpoint:
        ckpt = torch.load(
            args.checkpoint, map_location='cpu', weights_only=False)
        state = ckpt.get('state_dict', ckpt)
        if args.official:
            state, _ = convert_official_instblink(
                state, cfg.model.head.get('blink_head_type', 'official'),
                model.state_dict())
        load_state_dict(model, state, strict=not args.official)
    return cfg, model.eval()


def main(argv=None):
    args = parse_args(argv)
    cfg, model = load_model(args)
    size = tuple(args.input_size) if args.input_size else test_size(cfg)
    name = osp.splitext(osp.basename(args.video))[0]
    os.makedirs(args.out_dir, exist_ok=True)
    tracks = inference_instblink(
        model,
        args.video,
        clip_len=args.clip_len,
        stride=args.stride,
        input_size=size,
        score_thr=args.score_thr,
        iou_thr=args.iou_thr,
        blink_thr=args.blink_thr,
        nms_thr=args.nms_thr,
        frame_thr=args.frame_thr,
        video_id=name,
        on_clip=lambda s, n: print(f'frames {s}-{s + n - 1} done'))
    video_out = osp.join(args.out_dir, f'{name}_instblink.mp4')
    frames = render_instblink_video(args.video, video_out, tracks)
    plot_out = osp.join(args.out_dir, f'{name}_blink_timeline.png')
    capture = cv2.VideoCapture(args.video)
    fps = capture.get(cv2.CAP_PROP_FPS) or None
    capture.release()
    plot_blink_timeline(tracks, plot_out, fps, title=name)
    json_out = osp.join(args.out_dir, f'{name}_instblink.json')
    with open(json_out, 'w') as f:
        json.dump(tracks, f)
    blinks = sum(len(t['blinks_converted']) for t in tracks)
    print(f'{len(tracks)} faces, {blinks} blinks in {frames} frames')
    print(f'video: {video_out}\ntimeline: {plot_out}\nresults: {json_out}')


if __name__ == '__main__':
    main()
