# Copyright (c) mmvb contributors. All rights reserved.
"""EPIC-Kitchens-100 audio: per-video audio files and segment lists.

Input (the official releases: ``epic-kitchens-100-annotations`` and the
videos)::

    ANN_DIR/EPIC_100_train.csv, ANN_DIR/EPIC_100_validation.csv
        narration_id,participant_id,video_id,narration_timestamp,
        start_timestamp,stop_timestamp,start_frame,stop_frame,narration,
        verb,verb_class,noun,noun_class,all_nouns,all_noun_classes
        (timestamps HH:MM:SS.ss)
    ANN_DIR/EPIC_100_verb_classes.csv, ANN_DIR/EPIC_100_noun_classes.csv
        id,key,instances,category
    VIDEO_DIR/**/{video_id}.MP4        # e.g. P01/videos/P01_101.MP4

Output::

    OUT_DIR/audio/{video_id}.wav       # the untrimmed audio, 16 kHz mono
    OUT_DIR/epic100_audio_{train,val}.txt
        audio/P01_101.wav <start s> <stop s> <verb> <noun>
    OUT_DIR/verb_classes.txt, OUT_DIR/noun_classes.txt

As in the DATAR paper, classes without a training segment are removed (97
verbs and 293 nouns): the kept classes are renumbered in their official
order, and a validation segment whose verb or noun was removed gets ``-1``
(it stays in the list, so the validation set keeps all its 9,668
segments, and counts as wrong). ``--keep-all-classes`` keeps the official
97 / 300 indices. Videos without decodable audio are left out (and
counted). The CSVs are checked against the published format (columns in the
official order, ``HH:MM:SS.ss`` timestamps with start <= stop, class ids
inside the class lists); a bad row stops the conversion with an error
naming the file, line and column.

Example::

    python tools/data/epic_kitchens_100/build_audio_list.py \
        data/epic-kitchens-100-annotations data/EPIC-KITCHENS \
        data/epic100_audio --workers 8
"""
import argparse
import os
import os.path as osp

from mmvb.datasets import index_files, prepare_clips
from mmvb.datasets.releases.audio import EPIC100_SPLITS as SPLITS
from mmvb.datasets.releases.audio import \
    read_epic100_classes as read_class_keys
from mmvb.datasets.releases.audio import read_epic100_segments as read_segments
from mmvb.datasets.releases.audio import to_seconds  # noqa: F401


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_dir', help='epic-kitchens-100-annotations')
    parser.add_argument('video_dir', help='folder of the videos')
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument(
        '--keep-all-classes',
        action='store_true',
        help='keep the official class indices (no removal)')
    parser.add_argument('--sample-rate', type=int, default=16000)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    keys = dict(
        verb=read_class_keys(
            osp.join(args.ann_dir, 'EPIC_100_verb_classes.csv')),
        noun=read_class_keys(
            osp.join(args.ann_dir, 'EPIC_100_noun_classes.csv')))
    segments = {
        split: read_segments(
            osp.join(args.ann_dir, name), len(keys['verb']), len(keys['noun']))
        for split, name in SPLITS
    }
    # Official id -> kept index.
    os.makedirs(args.out_dir, exist_ok=True)
    maps = {}
    for task, col in (('verb', 3), ('noun', 4)):
        if args.keep_all_classes:
            kept = list(range(len(keys[task])))
        else:
            kept = sorted({s[col] for s in segments['train']})
        maps[task] = {old: new for new, old in enumerate(kept)}
        with open(osp.join(args.out_dir, f'{task}_classes.txt'), 'w') as f:
            f.writelines(keys[task][old] + '\n' for old in kept)

    video_ids = sorted({s[0] for split in segments.values() for s in split})
    videos = index_files(args.video_dir)
    present = [v for v in video_ids if v in videos]
    jobs = [(osp.join(args.video_dir,
                      videos[v]), osp.join(args.out_dir, 'audio', f'{v}.wav'))
            for v in present]
    durations = prepare_clips(
        jobs,
        args.sample_rate,
        args.workers,
        progress=not args.no_progress,
        desc='epic-kitchens-100 audio')
    valid = {v for v, d in zip(present, durations) if d is not None}

    summary = dict(
        num_verbs=len(maps['verb']),
        num_nouns=len(maps['noun']),
        videos=len(video_ids),
        videos_without_audio=len(video_ids) - len(valid))
    for split, rows in segments.items():
        lines = []
        for video, start, stop, verb, noun in rows:
            if video not in valid:
                continue
            lines.append(f'audio/{video}.wav {start:.2f} {stop:.2f} '
                         f"{maps['verb'].get(verb, -1)} "
                         f"{maps['noun'].get(noun, -1)}")
        with open(osp.join(args.out_dir, f'epic100_audio_{split}.txt'),
                  'w') as f:
            f.writelines(line + '\n' for line in lines)
        summary[split] = len(lines)
    print(summary)
    return summary


if __name__ == '__main__':
    main()
