# Copyright (c) mmvb contributors. All rights reserved.
"""Draw what BMViT's tokens predict at one key frame (Fig. 3 and 5).

Writes into ``--out-dir``:

* ``actor_map.png``: ``p(actor)`` of every ``h x w`` token of each box
  slice (the central frame for C+T, the two central frames for 2(C+T)),
  as a heat map over the key frame, the tokens above ``theta`` outlined
  (Fig. 3, left);
* ``boxes.png``: the boxes of all those tokens, red, the tokens above
  ``theta`` in yellow (Fig. 3, right);
* ``attention.png``: for each token above ``theta`` (at most
  ``--max-tokens``, highest ``p(actor)`` first), its attention in the last
  block over the ``t x h x w`` tokens, one row per token, one column per
  output frame (Fig. 5, right; MViT backbones);
* ``tokens.json``: the numbers behind the images.

Examples::

    NAME=bmvit_kinetics400-pretrained-mvit-small-nopool_8xb2-16x4x1-25e
    python tools/visualizations/vis_bmvit_tokens.py \\
        configs/bmvit/${NAME}_ava22-rgb-256px.py video.mp4 \\
        --checkpoint bmvit.pth --keyframe 450 --out-dir vis
    # the synthetic model
    NAME=bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_synthetic-ava-rgb-96px
    python tools/visualizations/vis_bmvit_tokens.py configs/bmvit/$NAME.py \\
        data/synthetic/ava/videos/val_00000.mp4 \\
        --checkpoint work_dirs/$NAME/epoch_20.pth --out-dir vis

Without ``--checkpoint`` the weights are random (a look at the plumbing).
"""
import argparse
import json
import os
import os.path as osp

import cv2
import numpy as np

from mmvb.apis import (attention_grid, init_localizer, localizer_token_maps,
                       overlay, read_video_frames)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='localizer config')
    parser.add_argument('video', help='video file')
    parser.add_argument('--checkpoint', help='checkpoint file')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument(
        '--keyframe',
        type=int,
        help='0-based centre frame (default: the middle frame)')
    parser.add_argument(
        '--actor-thr',
        type=float,
        help="theta (default: the config's actor_thr)")
    parser.add_argument('--max-tokens', type=int, default=4)
    parser.add_argument('--cell', type=int, default=160, help='cell pixels')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def draw_actor_maps(frame, maps, selected, cell):
    """One panel per box slice: p(actor) over the frame, the selected
    tokens outlined in yellow."""
    n, h, w = maps.shape
    panels = []
    for s in range(n):
        panel = overlay(cv2.resize(frame, (cell, cell)), maps[s], alpha=0.6)
        for token in selected:
            slice_, idx = divmod(int(token), h * w)
            if slice_ != s:
                continue
            i, j = divmod(idx, w)
            cv2.rectangle(panel, (int(j * cell / w), int(i * cell / h)), (int(
                (j + 1) * cell / w) - 1, int((i + 1) * cell / h) - 1),
                          (255, 255, 0), 1)
        panels.append(panel)
    return np.concatenate(panels, 1)


def draw_token_boxes(frame, boxes, selected):
    """All token boxes in red, the selected ones in yellow on top."""
    out = np.ascontiguousarray(frame).copy()
    chosen = set(int(s) for s in selected)
    thickness = max(1, out.shape[0] // 240)
    for k in [k for k in range(len(boxes)) if k not in chosen] + list(chosen):
        x1, y1, x2, y2 = (int(round(v)) for v in boxes[k])
        color = (255, 255, 0) if k in chosen else (255, 0, 0)
        cv2.rectangle(out, (x1, y1), (x2, y2), color, thickness)
    return out


def main():
    args = parse_args()
    model = init_localizer(args.config, args.checkpoint, args.device)
    if args.actor_thr is not None:
        model.head.actor_thr = args.actor_thr
    frames = list(read_video_frames(args.video))
    keyframe = len(frames) // 2 if args.keyframe is None else args.keyframe
    if not 0 <= keyframe < len(frames):
        raise ValueError(f'--keyframe {keyframe} is outside the '
                         f'{len(frames)} frames of {args.video}')
    maps = localizer_token_maps(model, frames, keyframe)
    os.makedirs(args.out_dir, exist_ok=True)
    key = frames[keyframe]
    save = (lambda name, img: cv2.imwrite(
        osp.join(args.out_dir, name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR)))
    selected = maps['selected']
    save('actor_map.png',
         draw_actor_maps(key, maps['actor_prob'], selected, args.cell))
    save('boxes.png', draw_token_boxes(key, maps['boxes'], selected))
    shown = selected[:args.max_tokens]
    attn = maps['attention'][:args.max_tokens]
    if len(shown):
        t = attn.shape[1]
        # the input frame at the centre of each output frame's span
        clip = np.asarray(maps['clip'])
        span = len(clip) / t
        grid_frames = np.stack(
            [frames[clip[int((f + 0.5) * span)]] for f in range(t)])
        rows = {
            f'token {int(k)} p={maps["actor_prob"].flat[k]:.2f}':
            a / max(float(a.max()), 1e-12)
            for k, a in zip(shown, attn)
        }
        save(
            'attention.png',
            attention_grid(
                grid_frames,
                rows,
                list(range(t)),
                cell=args.cell,
                title='last-block attention of the tokens above theta'))
    with open(osp.join(args.out_dir, 'tokens.json'), 'w') as f:
        json.dump(
            dict(
                keyframe=keyframe,
                actor_thr=model.head.actor_thr,
                grid=list(maps['grid']),
                token_frames=maps['token_frames'],
                actor_prob=maps['actor_prob'].round(4).tolist(),
                selected=[int(s) for s in selected],
                selected_boxes=maps['boxes'][selected].round(1).tolist(),
                attention_mass=[float(a.sum()) for a in attn]),
            f,
            indent=1)
    print(f'{len(selected)} tokens above {model.head.actor_thr} '
          f'-> {args.out_dir}')


if __name__ == '__main__':
    main()
