# Copyright (c) mmvb contributors. All rights reserved.
"""Something-Something V2 (official release) -> MMAction2 video lists.

Reads the official JSON annotations::

    something-something-v2-labels.json      {"<template>": "<index>", ...}
    something-something-v2-train.json       [{"id", "label", "template",
    something-something-v2-validation.json    "placeholders"}, ...]
    something-something-v2-test.json        [{"id"}, ...]   (optional)

and writes to ``out_dir``::

    sthv2_{train,val}_list_videos.txt   "<id>.webm <label>"
    sthv2_test_list_videos.txt          "<id>.webm"
    label_map.txt                       templates in label order
    flip_label_map.json                 left/right classes for Flip

The label of a video is the index of its template with the brackets
removed (as MMAction2's ``parse_sthv2_splits``); an item without ``id`` or
``template``, or a template that is not in the labels file, stops the
conversion with an error naming the file and the item. With
``--video-dir``, videos missing from that folder are skipped (and counted).

Example::

    python tools/data/sthv2/build_file_list.py data/sthv2/annotations \
        data/sthv2 --video-dir data/sthv2/videos
"""
import argparse
import json
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import left_right_flip_label_map, write_list
from mmvb.datasets.annotation_io import AnnotationError
from mmvb.datasets.releases.recognition import STH_SPLITS as SPLITS
from mmvb.datasets.releases.recognition import STHV2_PREFIX as PREFIX
from mmvb.datasets.releases.recognition import read_sthv2_labels as read_labels
from mmvb.datasets.releases.recognition import sthv2_video_label as video_label


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_dir', help='folder of the official JSON files')
    parser.add_argument('out_dir', help='where the lists are written')
    parser.add_argument(
        '--video-dir', help='skip videos that are not in this folder')
    parser.add_argument('--ext', default='webm', help='video extension')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args()


def convert(ann_dir, out_dir, video_dir=None, ext='webm', progress=True):
    """Write the lists; returns ``{split: (written, skipped)}``."""
    label_of = read_labels(osp.join(ann_dir, f'{PREFIX}-labels.json'))
    names = [None] * len(label_of)
    for name, idx in label_of.items():
        names[idx] = name
    summary = {}
    for official, split in SPLITS:
        path = osp.join(ann_dir, f'{PREFIX}-{official}.json')
        if not osp.isfile(path):
            if split == 'test':
                continue
            raise FileNotFoundError(path)
        with open(path) as f:
            items = json.load(f)
        lines, skipped = [], 0
        for index, item in enumerate(
                tqdm(items, desc=f'sthv2 {split}', disable=not progress)):
            if 'id' not in item:
                raise AnnotationError(
                    path, 'item has no \'id\'', key=f'[{index}]')
            label = None if split == 'test' else video_label(
                item, index, path, label_of)
            filename = f"{item['id']}.{ext}"
            if video_dir is not None and not osp.isfile(
                    osp.join(video_dir, filename)):
                skipped += 1
                continue
            lines.append(filename if label is None else f'{filename} {label}')
        write_list(osp.join(out_dir, f'sthv2_{split}_list_videos.txt'), lines)
        summary[split] = (len(lines), skipped)
    write_list(osp.join(out_dir, 'label_map.txt'), names)
    with open(osp.join(out_dir, 'flip_label_map.json'), 'w') as f:
        json.dump(left_right_flip_label_map(names), f)
    return summary


def main():
    args = parse_args()
    summary = convert(args.ann_dir, args.out_dir, args.video_dir, args.ext,
                      not args.no_progress)
    for split, (written, skipped) in summary.items():
        print(f'{split}: {written} videos written, {skipped} skipped')


if __name__ == '__main__':
    main()
