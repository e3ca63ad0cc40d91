# Copyright (c) mmvb contributors. All rights reserved.
"""Something-Something V1 (official release) -> MMAction2 rawframe lists.

Reads the official annotation CSVs (``;``-separated, no header)::

    something-something-v1-labels.csv      class name per line (label order)
    something-something-v1-train.csv       "<id>;<class name>"
    something-something-v1-validation.csv  "<id>;<class name>"
    something-something-v1-test.csv        "<id>"            (optional)

and the frames ``<frame_dir>/<id>/00001.jpg ...`` of
``20bn-something-something-v1``, and writes to ``out_dir``::

    sthv1_{train,val}_list_rawframes.txt   "<id> <num_frames> <label>"
    sthv1_test_list_rawframes.txt          "<id> <num_frames>"
    label_map.txt                          class names in label order
    flip_label_map.json                    left/right classes for Flip

Labels follow the line order of the labels CSV (as MMAction2's
``parse_sthv1_splits``). A row with another number of cells or a class name
that is not in the labels CSV stops the conversion with an error naming the
file, line and column. Videos whose frame folder is missing or empty are
skipped (and counted). Configs read the frames with
``filename_tmpl='{:05}.jpg'``.

Example::

    python tools/data/sthv1/build_file_list.py \
        data/sthv1/annotations data/sthv1/rawframes data/sthv1
"""
import argparse
import json
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import count_frames, left_right_flip_label_map, write_list
from mmvb.datasets.releases.recognition import STH_SPLITS as SPLITS
from mmvb.datasets.releases.recognition import STHV1_PREFIX as PREFIX
from mmvb.datasets.releases.recognition import read_sthv1_labels as read_labels
from mmvb.datasets.releases.recognition import read_sthv1_split as read_split


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_dir', help='folder of the official CSV files')
    parser.add_argument(
        'frame_dir', help='20bn-something-something-v1 frame folder')
    parser.add_argument('out_dir', help='where the lists are written')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args()


def convert(ann_dir, frame_dir, out_dir, progress=True):
    """Write the lists; returns ``{split: (written, skipped)}``."""
    names = read_labels(osp.join(ann_dir, f'{PREFIX}-labels.csv'))
    label_of = {name: i for i, name in enumerate(names)}
    summary = {}
    for official, split in SPLITS:
        path = osp.join(ann_dir, f'{PREFIX}-{official}.csv')
        if not osp.isfile(path):
            if split == 'test':
                continue
            raise FileNotFoundError(path)
        lines, skipped = [], 0
        rows = read_split(path, None if split == 'test' else label_of)
        for vid, label in tqdm(
                rows, desc=f'sthv1 {split}', disable=not progress):
            num = count_frames(osp.join(frame_dir, vid))
            if num == 0:
                skipped += 1
                continue
            lines.append(
                f'{vid} {num}' if label is None else f'{vid} {num} {label}')
        write_list(
            osp.join(out_dir, f'sthv1_{split}_list_rawframes.txt'), lines)
        summary[split] = (len(lines), skipped)
    write_list(osp.join(out_dir, 'label_map.txt'), names)
    with open(osp.join(out_dir, 'flip_label_map.json'), 'w') as f:
        json.dump(left_right_flip_label_map(names), f)
    return summary


def main():
    args = parse_args()
    summary = convert(args.ann_dir, args.frame_dir, args.out_dir,
                      not args.no_progress)
    for split, (written, skipped) in summary.items():
        print(f'{split}: {written} videos written, {skipped} skipped '
              '(no frames)')


if __name__ == '__main__':
    main()
