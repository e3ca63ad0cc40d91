# Copyright (c) mmvb contributors. All rights reserved.
"""Convert AIDE (Yang et al., ICCV 2023) to mmvb's driver-activity
annotations (driver-behaviour task, in-car view, official split).

Official layout (``ydk122024/AIDE``)::

    ROOT/AIDE_Dataset/0001/incarframes/0.jpg ...   # also front/left/right
    ROOT/AIDE_Dataset/annotation/0001.json         # driver_behavior_label
    ROOT/training.csv, validation.csv, testing.csv
        # header "0,1"; rows
        # "AIDE_Dataset/0001/,AIDE_Dataset/annotation/0001.json"

Example::

    python tools/data/aide/convert_aide.py data/aide data/aide/annotations.json

Each sample (a 3-second clip) becomes one clip of its view's frames. The
protocol is AIDE's fixed 65/15/20 random split (not subject-disjoint; AIDE
has no driver ids), one fold split by sample id.
"""
import argparse
import json
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations, list_images
from mmvb.datasets.releases.driver import AIDE_CLASSES as CLASSES
from mmvb.datasets.releases.driver import AIDE_SPLITS as SPLITS
from mmvb.datasets.releases.driver import \
    aide_behaviour_label as behaviour_label
from mmvb.datasets.releases.driver import read_aide_split as read_split


def convert(root: str,
            out_file: str,
            view: str = 'incar',
            csv_dir: str = None,
            progress: bool = True) -> dict:
    csv_dir = csv_dir or root
    data_list, folds = [], [dict()]
    for split, name in SPLITS.items():
        rows = read_split(osp.join(csv_dir, name))
        ids = []
        for sample_dir, ann_path in tqdm(
                rows, desc=f'aide {split}', disable=not progress):
            sample = osp.basename(sample_dir)
            label = behaviour_label(osp.join(root, ann_path))
            frame_dir = osp.join(sample_dir, f'{view}frames')
            frames = list_images(osp.join(root, frame_dir))
            if not frames:
                raise FileNotFoundError(f'no frames in {frame_dir}')
            sample_id = f'aide_{sample}'
            ids.append(sample_id)
            data_list.append(
                dict(
                    id=sample_id,
                    subject=sample,
                    label=label,
                    source='frames',
                    path=frame_dir,
                    frames=frames))
        folds[0][split] = ids
    return dump_driver_annotations(
        out_file,
        'AIDE',
        CLASSES,
        data_list,
        folds,
        protocol='official 65/15/20 random split (sample level)',
        split_by='id',
        view=view)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='folder holding AIDE_Dataset/')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument(
        '--view',
        default='incar',
        choices=['incar', 'front', 'left', 'right'],
        help='camera (the driver behaviour is seen in-car)')
    parser.add_argument(
        '--csv-dir', help='folder of the split CSVs (default: root)')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.view, args.csv_dir,
                    not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
