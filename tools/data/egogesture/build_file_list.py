# Copyright (c) mmvb contributors. All rights reserved.
"""EgoGesture (official release) -> MMAction2 rawframe lists with offsets.

Reads the official layout::

    <images_dir>/Subject01/Scene1/Color/rgb1/000001.jpg ...
    <labels_dir>/subject01/Scene1/Group1.csv    "class,start,end" per row

(the ``labels-final-revised1`` folder; class ids 1..83 and 1-based,
inclusive frame numbers; folder and file names are matched
case-insensitively) and writes one line per gesture segment::

    egogesture_{train,val,test}_list_rawframes.txt
        "Subject01/Scene1/Color/rgb1 <start - 1> <end - start + 1> <class - 1>"

for ``RawframeDataset(with_offset=True, filename_tmpl='{:06}.jpg')``.
Subjects are split as in the dataset paper (30 train, 10 val, 10 test).
A label row that is not three integers with a class in 1..83 and
``1 <= start <= end`` stops the conversion with an error naming the file,
line and column (all-blank rows, such as ``" ,,"`` in the release's
``subject03/Scene2/Group6.csv``, are skipped). Segments whose frames are
missing are skipped (and counted).

Example::

    python tools/data/egogesture/build_file_list.py \
        data/egogesture/images data/egogesture/labels-final-revised1 \
        data/egogesture
"""
import argparse
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import count_frames, write_list
from mmvb.datasets.releases.recognition import \
    EGOGESTURE_SPLIT_SUBJECTS as SPLIT_SUBJECTS
from mmvb.datasets.releases.recognition import \
    egogesture_frame_dir as frame_dir
from mmvb.datasets.releases.recognition import \
    egogesture_label_files as label_files
from mmvb.datasets.releases.recognition import \
    read_egogesture_labels as read_label_file


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('images_dir', help='folder of Subject01, ...')
    parser.add_argument('labels_dir', help='labels-final-revised1 folder')
    parser.add_argument('out_dir', help='where the lists are written')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args()


def convert(images_dir, labels_dir, out_dir, progress=True):
    """Write the lists; returns ``{split: (written, skipped)}``."""
    split_of = {
        s: split
        for split, subjects in SPLIT_SUBJECTS.items() for s in subjects
    }
    lines = {split: [] for split in SPLIT_SUBJECTS}
    skipped = {split: 0 for split in SPLIT_SUBJECTS}
    files = list(label_files(labels_dir))
    for subject, scene, group, path in tqdm(
            files, desc='egogesture label files', disable=not progress):
        split = split_of.get(subject)
        if split is None:
            continue
        rel = frame_dir(images_dir, subject, scene, group)
        num_frames = count_frames(osp.join(images_dir, rel)) if rel else 0
        for label, start, end in read_label_file(path):
            if rel is None or end > num_frames:
                skipped[split] += 1
                continue
            lines[split].append(
                f'{rel} {start - 1} {end - start + 1} {label - 1}')
    summary = {}
    for split, split_lines in lines.items():
        write_list(
            osp.join(out_dir, f'egogesture_{split}_list_rawframes.txt'),
            split_lines)
        summary[split] = (len(split_lines), skipped[split])
    return summary


def main():
    args = parse_args()
    summary = convert(args.images_dir, args.labels_dir, args.out_dir,
                      not args.no_progress)
    for split, (written, skipped) in summary.items():
        print(f'{split}: {written} segments written, {skipped} skipped')


if __name__ == '__main__':
    main()
