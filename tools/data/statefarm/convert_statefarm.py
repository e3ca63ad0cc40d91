# Copyright (c) mmvb contributors. All rights reserved.
"""Convert the StateFarm Distracted Driver Detection release to mmvb's
driver-activity annotations (images as 1-frame clips, 7 driver-out folds).

Official layout (Kaggle ``state-farm-distracted-driver-detection``)::

    ROOT/imgs/train/c0 ... c9/img_*.jpg
    ROOT/driver_imgs_list.csv            # subject,classname,img

Example::

    python tools/data/statefarm/convert_statefarm.py data/statefarm \
        data/statefarm/annotations.json

Only the labelled training images are used (the Kaggle test set has no
labels). The list must have the published columns and classes ``c0`` to
``c9``; a listed image that is missing stops the conversion with an error
naming the line. Folds: DriveCLIP's driver-out protocol, 7 folds holding out 3
drivers each; fold 0 holds out p052, p056 and p061 (the drivers DriveCLIP's
split script names), folds 1-6 the next 18 drivers in sorted order (DriveCLIP
does not publish them). Validation = the held-out drivers.
"""
import argparse
import json
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations, make_subject_folds
from mmvb.datasets.releases.driver import STATEFARM_CLASSES as CLASSES
from mmvb.datasets.releases.driver import read_statefarm_list

FIRST_FOLD = ('p052', 'p056', 'p061')


def convert(root: str,
            out_file: str,
            num_folds: int = 7,
            held_out: int = 3,
            progress: bool = True) -> dict:
    rows = read_statefarm_list(osp.join(root, 'driver_imgs_list.csv'))
    data_list = []
    for row, label in tqdm(rows, desc='statefarm', disable=not progress):
        img = row.text_of('img')
        rel = osp.join('imgs', 'train', row.text_of('classname'), img)
        if not osp.isfile(osp.join(root, rel)):
            raise FileNotFoundError(
                f'{rel} is listed on line {row.line} of {row.path} but '
                f'missing in {root}')
        data_list.append(
            dict(
                id='statefarm_' + osp.splitext(img)[0],
                subject=row.text_of('subject'),
                label=label,
                source='image',
                path=rel))
    folds = make_subject_folds([d['subject'] for d in data_list],
                               num_folds,
                               test_size=held_out,
                               first_test=FIRST_FOLD)
    return dump_driver_annotations(
        out_file,
        'StateFarm',
        CLASSES,
        data_list,
        folds,
        protocol=f'driver-out CV: {num_folds} folds, {held_out} held-out '
        'drivers each (DriveCLIP)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the StateFarm release folder')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument('--num-folds', type=int, default=7)
    parser.add_argument('--held-out', type=int, default=3)
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.num_folds, args.held_out,
                    not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
