# Copyright (c) mmvb contributors. All rights reserved.
"""Convert SAM-DD (Yang et al., T-ITS 2024) to mmvb's driver-activity
annotations (side view by default, DriveCLIP's fixed driver split).

Layout read (the per-driver frame folders of the release, as DriveCLIP's
loader reads them; the ``train``/``valid`` level is DriveCLIP's split and
optional)::

    ROOT/[train|valid/]<driver>/<class 0-9>/<side_RGB|front_RGB>/*.jpg

Example::

    python tools/data/samdd/convert_samdd.py data/sam-dd \
        data/sam-dd/annotations.json --view side

The frames of one driver, class and view are consecutive video frames; they
are cut into clips of ``--clip-frames`` consecutive frames (the last,
shorter window is kept if it has at least half as many). Protocol: with a
``train``/``valid`` level, fold 0 trains on the drivers under ``train`` and
validates/tests on those under ``valid`` (DriveCLIP); without it,
``--num-folds`` driver-out folds (every driver tested once).
"""
import argparse
import json
import os
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import (dump_driver_annotations, list_images,
                           make_subject_folds, natural_key, window_clips)

CLASSES = tuple(f'class_{i}' for i in range(10))
SPLIT_DIRS = ('train', 'valid')


def _dirs(path: str) -> list:
    return sorted(
        (d for d in os.listdir(path) if osp.isdir(osp.join(path, d))),
        key=natural_key)


def convert(root: str,
            out_file: str,
            view: str = 'side',
            clip_frames: int = 16,
            num_folds: int = 4,
            progress: bool = True) -> dict:
    tops = [d for d in SPLIT_DIRS if osp.isdir(osp.join(root, d))]
    driver_dirs = [
        (top, d) for top in tops for d in _dirs(osp.join(root, top))
    ] if tops else [('', d) for d in _dirs(root)]
    data_list, split_of = [], {}
    for top, driver in tqdm(
            driver_dirs, desc='sam-dd drivers', disable=not progress):
        split_of[driver] = top
        for cls in _dirs(osp.join(root, top, driver)):
            frame_dir = osp.join(top, driver, cls, f'{view}_RGB')
            if not osp.isdir(osp.join(root, frame_dir)):
                continue
            frames = list_images(osp.join(root, frame_dir))
            windows = window_clips(
                len(frames), clip_frames, min_frames=max(1, clip_frames // 2))
            for k, (start, length) in enumerate(windows):
                data_list.append(
                    dict(
                        id=f'samdd_{driver}_{cls}_{view}_{k:03d}',
                        subject=driver,
                        label=int(cls),
                        source='frames',
                        path=frame_dir,
                        frames=frames[start:start + length]))
    drivers = sorted(split_of, key=natural_key)
    if tops:
        train = [d for d in drivers if split_of[d] == 'train']
        held = [d for d in drivers if split_of[d] == 'valid']
        folds = [dict(train=train, val=held, test=held)]
        protocol = 'fixed train/valid drivers (DriveCLIP)'
    else:
        folds = make_subject_folds(drivers, num_folds)
        protocol = f'driver-out CV, {num_folds} folds'
    return dump_driver_annotations(
        out_file,
        'SAM-DD',
        CLASSES,
        data_list,
        folds,
        protocol=protocol,
        view=view)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the SAM-DD folder')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument('--view', default='side', choices=['side', 'front'])
    parser.add_argument(
        '--clip-frames',
        type=int,
        default=16,
        help='consecutive frames per clip (0: one clip per folder)')
    parser.add_argument(
        '--num-folds',
        type=int,
        default=4,
        help='driver-out folds when there is no train/valid level')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.view, args.clip_frames,
                    args.num_folds, not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
