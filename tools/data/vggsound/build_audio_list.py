# Copyright (c) mmvb contributors. All rights reserved.
"""VGGSound annotation lists (Chen et al., ICASSP 2020).

Input (the official release)::

    ANN_FILE = vggsound.csv
        # no header: youtube_id,start_seconds,label,split
                                # (split: train / test; labels may be quoted)
    VIDEO_DIR/**/{youtube_id}_{start_seconds:06d}.mp4   # 10 s clips

Output (``mmaction``'s ``AudioDataset`` format,
``path num_samples label``)::

    OUT_DIR/vggsound_{train,test}_list_audio.txt
    OUT_DIR/classes.txt                   # 309 labels, sorted
    OUT_DIR/audio/{train,test}/<clip>.wav   (with --extract: 16 kHz mono)

Class indices follow the sorted label names of the csv. Every row must have
the four cells (an integer start, split ``train`` or ``test``); any other
row stops the conversion with an error naming the file, line and column.
Clips that are not downloaded or have no decodable audio are left out and
counted (the DATAR paper keeps 159,223 / 12,790 valid clips).

Example::

    python tools/data/vggsound/build_audio_list.py data/vggsound/vggsound.csv \
        data/vggsound/videos data/vggsound --extract --workers 8
"""
import argparse
import os
import os.path as osp

from mmvb.datasets import build_clip_list, index_files
from mmvb.datasets.releases.audio import VGGSOUND_SPLITS as SPLITS
from mmvb.datasets.releases.audio import read_vggsound as read_annotations


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='vggsound.csv')
    parser.add_argument('video_dir', help='folder of the clips')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--extract', action='store_true', help='extract 16 kHz mono wav')
    parser.add_argument('--sample-rate', type=int, default=16000)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    rows = read_annotations(args.ann_file)
    classes = sorted({label for _, _, label, _ in rows})
    label_of = {name: i for i, name in enumerate(classes)}
    videos = index_files(args.video_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    summary = {}
    for split in SPLITS:
        items = [(f'{ytid}_{start:06d}', label_of[label])
                 for ytid, start, label, s in rows if s == split]
        lines, summary[split] = build_clip_list(items, args.video_dir,
                                                args.out_dir, split,
                                                args.extract, args.sample_rate,
                                                args.workers,
                                                not args.no_progress, videos)
        with open(
                osp.join(args.out_dir, f'vggsound_{split}_list_audio.txt'),
                'w') as f:
            f.writelines(line + '\n' for line in lines)
    with open(osp.join(args.out_dir, 'classes.txt'), 'w') as f:
        f.writelines(c + '\n' for c in classes)
    summary['num_classes'] = len(classes)
    print(summary)
    return summary


if __name__ == '__main__':
    main()
