# Copyright (c) mmvb contributors. All rights reserved.
"""EPIC-Kitchens-55 (official release) -> verb/noun rawframe lists.

Reads the official annotations (``epic-kitchens-55-annotations``)::

    EPIC_train_action_labels.csv   uid, participant_id, video_id,
        narration, start_timestamp, stop_timestamp, start_frame,
        stop_frame, verb, verb_class, noun, noun_class, all_nouns,
        all_noun_classes
    EPIC_test_s1_timestamps.csv    uid, participant_id, video_id,
    EPIC_test_s2_timestamps.csv      start_timestamp, stop_timestamp,
                                     start_frame, stop_frame  (optional)
    EPIC_verb_classes.csv, EPIC_noun_classes.csv  (optional: label maps)

and writes, for frames laid out as the release's
``frames_rgb_flow/rgb/{train,test}/P01/P01_01/frame_0000000001.jpg``::

    epic55_{train,val}_list_rawframes.txt
        "train/P01/P01_01 <start_frame - 1> <num_frames> <verb> <noun>"
    epic55_test_{s1,s2}_list_rawframes.txt
        "test/P01/P01_11 <start_frame - 1> <num_frames>"
    verb_map.txt, noun_map.txt   class keys in label order

for :class:`mmvb.datasets.VerbNounRawframeDataset` with
``with_offset=True`` and ``filename_tmpl='frame_{:010}.jpg'``. The test
labels are not public (the paper's Table 4 is from the challenge server);
``--val-ratio`` holds out that fraction of the training videos (chosen with
``--seed``) as a validation split; 0 keeps every segment for training.

The files are checked against the published format (columns in the official
order, integer frames with ``1 <= start_frame <= stop_frame``, class ids
inside the class lists: 125 verbs and 352 nouns in the released lists, which
the label lists keep as they are); a bad row stops the conversion with an
error naming the file, line and column.

Example::

    python tools/data/epic_kitchens/build_file_list.py \
        data/epic_kitchens/annotations data/epic_kitchens --val-ratio 0.1
"""
import argparse
import os.path as osp
import random

from tqdm import tqdm

from mmvb.datasets import write_list
from mmvb.datasets.releases.recognition import \
    EPIC55_TEST_COLUMNS as TEST_COLUMNS
from mmvb.datasets.releases.recognition import \
    EPIC55_TRAIN_COLUMNS as TRAIN_COLUMNS
from mmvb.datasets.releases.recognition import \
    read_epic55_classes as read_classes
from mmvb.datasets.releases.recognition import \
    read_epic55_segments as read_segments


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_dir', help='folder of the official CSV files')
    parser.add_argument('out_dir', help='where the lists are written')
    parser.add_argument(
        '--val-ratio',
        type=float,
        default=0.1,
        help='fraction of training videos held out for validation')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args()


def convert(ann_dir, out_dir, val_ratio=0.1, seed=0, progress=True):
    """Write the lists; returns ``{list name: number of segments}`` and the
    class counts (``num_verbs``, ``num_nouns``)."""
    if not 0 <= val_ratio < 1:
        raise ValueError(f'val_ratio must be in [0, 1), got {val_ratio}')
    classes = {
        kind:
        read_classes(osp.join(ann_dir, f'EPIC_{kind}_classes.csv'), kind)
        for kind in ('verb', 'noun')
    }
    rows = read_segments(
        osp.join(ann_dir, 'EPIC_train_action_labels.csv'), TRAIN_COLUMNS,
        len(classes['verb']), len(classes['noun']))
    videos = sorted({r[0] for r in rows})
    num_val = int(round(len(videos) * val_ratio))
    val_videos = set(random.Random(seed).sample(videos, num_val))
    lists = dict(train=[], val=[])
    for frame_dir, offset, num, verb, noun in tqdm(
            rows, desc='epic55 train', disable=not progress):
        split = 'val' if frame_dir in val_videos else 'train'
        lists[split].append(f'train/{frame_dir} {offset} {num} {verb} {noun}')
    for s in ('s1', 's2'):
        path = osp.join(ann_dir, f'EPIC_test_{s}_timestamps.csv')
        if osp.isfile(path):
            lists[f'test_{s}'] = [
                f'test/{frame_dir} {offset} {num}'
                for frame_dir, offset, num in tqdm(
                    read_segments(path, TEST_COLUMNS),
                    desc=f'epic55 test {s}',
                    disable=not progress)
            ]
    summary = {}
    for name, lines in lists.items():
        if name == 'val' and not val_ratio:
            continue
        summary[name] = write_list(
            osp.join(out_dir, f'epic55_{name}_list_rawframes.txt'), lines)
    for kind, keys in classes.items():
        write_list(osp.join(out_dir, f'{kind}_map.txt'), keys)
        summary[f'num_{kind}s'] = len(keys)
    return summary


def main():
    args = parse_args()
    summary = convert(args.ann_dir, args.out_dir, args.val_ratio, args.seed,
                      not args.no_progress)
    for name, count in summary.items():
        print(f'{name}: {count}' if name.
              startswith('num_') else f'{name}: {count} segments')


if __name__ == '__main__':
    main()
