# Copyright (c) mmvb contributors. All rights reserved.
"""Convert 3MDAD (Jegham et al., Signal Processing: Image Communication
2020) to mmvb's driver-activity annotations (daytime, side-view RGB).

Layout read: the daytime RGB frames, one folder per driver and action
(``S<n>`` and ``A<n>``, letter case and separators free) somewhere below a
folder whose path matches ``--view-pattern`` (the side camera; default
``side``)::

    ROOT/.../<Side view RGB>/S1/A1/*.jpg
    ROOT/.../<Side view RGB>/S1/A2/*.jpg ...

Example::

    python tools/data/3mdad/convert_3mdad.py data/3mdad/day \
        data/3mdad/annotations.json --view-pattern side

Each driver/action folder is one clip (``--clip-frames`` cuts it into
windows of consecutive frames instead). Neither the papers reporting on
3MDAD (MIFI, DualScope) nor the dataset publish a split, so the protocol
here is ours: ``--num-folds`` driver-out folds, every driver tested once
(validation = test).
"""
import argparse
import json
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import (dump_driver_annotations, list_images,
                           make_subject_folds, natural_key, window_clips)
from mmvb.datasets.releases.driver import TMDAD_CLASSES as CLASSES
from mmvb.datasets.releases.driver import find_3mdad_folders


def convert(root: str,
            out_file: str,
            view_pattern: str = 'side',
            clip_frames: int = 0,
            num_folds: int = 5,
            progress: bool = True) -> dict:
    leaves = find_3mdad_folders(root, view_pattern)
    data_list = []
    for rel, subject, action in tqdm(
            sorted(leaves, key=lambda x: natural_key(x[0])),
            desc='3mdad',
            disable=not progress):
        frames = list_images(osp.join(root, rel))
        windows = window_clips(
            len(frames), clip_frames, min_frames=max(1, clip_frames // 2))
        for k, (start, length) in enumerate(windows):
            data_list.append(
                dict(
                    id=f'3mdad_s{subject}_a{action}_{k:03d}',
                    subject=subject,
                    label=action - 1,
                    source='frames',
                    path=rel,
                    frames=frames[start:start + length]))
    folds = make_subject_folds([d['subject'] for d in data_list], num_folds)
    return dump_driver_annotations(
        out_file,
        '3MDAD',
        CLASSES,
        data_list,
        folds,
        protocol=f'driver-out CV, {num_folds} folds (ours; no published '
        'split)',
        view_pattern=view_pattern)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the 3MDAD daytime RGB folder')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument(
        '--view-pattern',
        default='side',
        help='regex a frame folder path must match (\'\' for any)')
    parser.add_argument(
        '--clip-frames',
        type=int,
        default=0,
        help='consecutive frames per clip (0: one clip per folder)')
    parser.add_argument('--num-folds', type=int, default=5)
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.view_pattern,
                    args.clip_frames, args.num_folds, not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
