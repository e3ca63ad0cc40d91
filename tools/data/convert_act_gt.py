# Copyright (c) mmvb contributors. All rights reserved.
"""Prepare UCF101-24 or JHMDB51-21 ground truth for mmvb.

Examples::

    python tools/data/convert_act_gt.py ucf101_24 data/ucf101_24
    python tools/data/convert_act_gt.py jhmdb data/jhmdb

Each reads the released ACT/MOC ground-truth pickle in the dataset folder
(Python 2; for UCF101-24 also the corrected annotations of
gurkirt/corrected-UCF101-Annots, ``--gt pyannot_with_class_names.pkl``),
cleans it (names to ``str``, tube rows outside the video
dropped, boxes clipped to the frame), checks that the frames of every video
are there and writes the Python 3 pickle that the configs read. See
``tools/data/ucf101_24/README.md`` and ``tools/data/jhmdb/README.md``.
"""
import argparse
import json
import os.path as osp

from mmvb.datasets import convert_act_release

# released GT, frame folder, output (all inside the dataset folder), frames
DATASETS = dict(
    ucf101_24=('UCF101v2-GT.pkl', 'rgb-images', 'ucf101_24_gt.pkl',
               '{:05}.jpg'),
    jhmdb=('JHMDB-GT.pkl', 'Frames', 'jhmdb_gt.pkl', '{:05}.png'))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dataset', choices=sorted(DATASETS))
    parser.add_argument('root', help='dataset folder, e.g. data/ucf101_24')
    parser.add_argument('--gt', help='released GT pickle (in root)')
    parser.add_argument('--frames', help='frame folder (in root)')
    parser.add_argument('--out', help='output pickle (in root)')
    parser.add_argument('--filename-tmpl', help='frame file name template')
    parser.add_argument(
        '--skip-frame-check', action='store_true', help='do not check frames')
    return parser.parse_args()


def main():
    args = parse_args()
    gt, frames, out, tmpl = DATASETS[args.dataset]
    summary = convert_act_release(
        osp.join(args.root, args.gt or gt),
        osp.join(args.root, args.out or out),
        frame_root=None if args.skip_frame_check else osp.join(
            args.root, args.frames or frames),
        filename_tmpl=args.filename_tmpl or tmpl)
    print(json.dumps(summary, indent=2))


if __name__ == '__main__':
    main()
