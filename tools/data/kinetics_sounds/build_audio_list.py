# Copyright (c) mmvb contributors. All rights reserved.
"""Kinetics-Sounds annotation lists from a Kinetics-400 release.

Kinetics-Sounds (Arandjelovic & Zisserman, ICCV 2017) is the subset of
Kinetics classes that can be recognised by sound. It has no official split
file: the training clips are K400's ``train`` clips of those classes and the
test clips its ``validate`` clips. ``classes.txt`` next to this script lists
the 31 classes used here (the K400 labels of the original list; see
``configs/datar/README.md``); pass ``--classes`` for another list.

Input (the official K400 layout)::

    ANN_DIR/train.csv, ANN_DIR/validate.csv
        label,youtube_id,time_start,time_end,split[,is_cc]
    VIDEO_DIR/**/{youtube_id}_{time_start:06d}_{time_end:06d}.mp4

The annotation files may also carry the names of the other K400 releases
(``val.csv``, ActivityNet's crawler ``kinetics-400_{train,val}.csv``); a
file with other columns, or a row with a non-integer time, stops the
conversion with an error naming the file, line and column.

Output (``mmaction``'s ``AudioDataset`` format,
``path num_samples label``)::

    OUT_DIR/kinetics_sounds_{train,val}_list_audio.txt
    OUT_DIR/classes.txt
    OUT_DIR/audio/{train,val}/<clip>.wav   (with --extract: 16 kHz mono)

Clips without decodable audio are left out (and counted). Without
``--extract`` the lists point at the videos (paths relative to
``VIDEO_DIR``) and the audio is decoded from them at training time.

Example::

    python tools/data/kinetics_sounds/build_audio_list.py \
        data/kinetics400/annotations data/kinetics400/videos \
        data/kinetics_sounds --extract --workers 8
"""
import argparse
import os
import os.path as osp
import sys

from mmvb.datasets import build_clip_list, index_files
from mmvb.datasets.releases.audio import KINETICS_SPLITS as SPLITS
from mmvb.datasets.releases.audio import find_annotation
from mmvb.datasets.releases.audio import read_kinetics as read_annotations


def read_classes(path: str) -> list:
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_dir', help='folder of the K400 csv files')
    parser.add_argument('video_dir', help='folder of the K400 videos')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--classes',
        default=osp.join(osp.dirname(osp.abspath(__file__)), 'classes.txt'),
        help='class list, one K400 label per line')
    parser.add_argument(
        '--extract', action='store_true', help='extract 16 kHz mono wav')
    parser.add_argument('--sample-rate', type=int, default=16000)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    classes = read_classes(args.classes)
    label_of = {name: i for i, name in enumerate(classes)}
    videos = index_files(args.video_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    summary = {}
    seen_labels = set()
    for split, names in SPLITS:
        rows = []
        for label, stem in read_annotations(
                find_annotation(args.ann_dir, names)):
            seen_labels.add(label)
            if label in label_of:  # the other K400 classes are not used
                rows.append((stem, label_of[label]))
        lines, summary[split] = build_clip_list(rows, args.video_dir,
                                                args.out_dir, split,
                                                args.extract, args.sample_rate,
                                                args.workers,
                                                not args.no_progress, videos)
        out = osp.join(args.out_dir, f'kinetics_sounds_{split}_list_audio.txt')
        with open(out, 'w') as f:
            f.writelines(line + '\n' for line in lines)
    missing = [c for c in classes if c not in seen_labels]
    if missing:
        print(
            f'warning: classes not in the annotations: {missing}',
            file=sys.stderr)
    with open(osp.join(args.out_dir, 'classes.txt'), 'w') as f:
        f.writelines(c + '\n' for c in classes)
    print(summary)
    return summary


if __name__ == '__main__':
    main()
