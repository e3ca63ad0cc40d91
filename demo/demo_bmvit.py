# Copyright (c) mmvb contributors. All rights reserved.
"""Localize actors and their actions in a video and write it back annotated.

Example (the synthetic-set model, one key frame per second, top 3 actions
per actor; for AVA give the AVA config, its checkpoint and ``--label-map
data/ava/annotations/ava_action_list_v2.2_for_activitynet_2019.pbtxt``)::

    NAME=bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_synthetic-ava-rgb-96px
    python demo/demo_bmvit.py data/synthetic/ava/videos/val_00000.mp4 \
        configs/bmvit/$NAME.py work_dirs/$NAME/epoch_20.pth out.mp4

Class names come from ``--label-map`` or, by default, from the
``label_file`` of the config's test evaluator; a label map that does not
exist is an error naming its path (``--no-labels`` writes class ids,
``action N``, instead).

Every ``--stride`` frames (default: once per second of video) the clip
centred on that frame is localized as in the config's test pipeline; the
boxes of a key frame are drawn on it and on the following frames up to the
next key frame, each with its ``--topk`` actions and their scores.
"""
import argparse
import os.path as osp

import cv2
from mmaction.evaluation import read_labelmap
from mmengine.config import Config

from mmvb.apis import draw_detections, inference_localizer, init_localizer


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('video', help='input video')
    parser.add_argument('config', help='localizer config')
    parser.add_argument('checkpoint', help='localizer checkpoint')
    parser.add_argument('out', help='output video (.mp4)')
    labels = parser.add_mutually_exclusive_group()
    labels.add_argument(
        '--label-map',
        help='class names: an AVA .pbtxt label map or a text file with one '
        'name per line (class 1 first); default: the label_file of the '
        "config's test evaluator")
    labels.add_argument(
        '--no-labels',
        action='store_true',
        help='write class ids ("action N") instead of names')
    parser.add_argument(
        '--stride', type=int, help='frames between key frames (default: fps)')
    parser.add_argument(
        '--actor-thr',
        type=float,
        help="actor likelihood threshold (default: the config's)")
    parser.add_argument('--topk', type=int, default=3, help='actions shown')
    parser.add_argument(
        '--score-thr', type=float, default=0.1, help='smallest action shown')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def read_video(path):
    """All frames (RGB) and the frame rate of a video."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise OSError(f'cannot open {path}')
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    cap.release()
    if not frames:
        raise OSError(f'no frame could be read from {path}')
    return frames, fps


def load_class_names(path):
    """``{class id: name}`` from a .pbtxt label map or a list of names.

    Raises:
        FileNotFoundError: ``path`` does not exist.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'label map {path} not found; give an existing --label-map, or '
            '--no-labels to show class ids')
    with open(path) as f:
        if path.endswith('.pbtxt'):
            labelmap, _ = read_labelmap(f)
            return {c['id']: c['name'] for c in labelmap}
        names = [line.strip() for line in f if line.strip()]
    return {i: name for i, name in enumerate(names, 1)}


def class_names_for(args, cfg):
    """Class names of ``--label-map``, else of the config's test evaluator
    ``label_file``; ``{}`` (ids shown) with ``--no-labels``."""
    if args.no_labels:
        return {}
    path = args.label_map
    if path is None:
        evaluator = cfg.get('test_evaluator') or {}
        if isinstance(evaluator, (list, tuple)):
            evaluator = evaluator[0] if evaluator else {}
        path = evaluator.get('label_file')
        if path is None:
            raise ValueError(
                f'{args.config} names no label map (test_evaluator has no '
                'label_file); give --label-map or --no-labels')
    return load_class_names(path)


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    class_names = class_names_for(args, cfg)  # before the model is built
    model = init_localizer(cfg, args.checkpoint, args.device)
    if args.actor_thr is not None:
        model.head.actor_thr = args.actor_thr

    frames, fps = read_video(args.video)
    stride = args.stride or max(1, int(round(fps)))
    keyframes = list(range(stride // 2, len(frames), stride))
    results = inference_localizer(model, frames, keyframes)

    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(args.out, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise OSError(f'cannot write {args.out}')
    try:
        for i, frame in enumerate(frames):
            k = min(max((i - keyframes[0]) // stride, 0), len(keyframes) - 1)
            drawn = draw_detections(frame, results[k], class_names, args.topk,
                                    args.score_thr)
            writer.write(cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    print(f'{len(frames)} frames, {len(keyframes)} key frames, '
          f'{sum(len(r.bboxes) for r in results)} detections -> {args.out}')


if __name__ == '__main__':
    main()
