# Copyright (c) mmvb contributors. All rights reserved.
"""Convert the AUC Distracted Driver dataset (v1) to mmvb's driver-activity
annotations (images as 1-frame clips, the official train/test split).

Official layout (``v1_cam1_no_split``; the v2 package ships it as ``v1``)::

    ROOT/c0 ... c9/*.jpg
    ROOT/Train_data_list.csv   # Image,Label  e.g. /distracted.driver/c0/1.jpg
    ROOT/Test_data_list.csv

Example::

    python tools/data/auc/convert_auc.py data/auc/v1_cam1_no_split \
        data/auc/annotations.json

The ``Image`` column holds paths of the authors' machine; the last two
components (class folder and file name) are resolved under ROOT. The class
folder must agree with ``Label`` (0-9); a disagreement, another header or a
missing image stops the conversion with an error naming the line. v1 has no
driver ids, so the protocol is the provided split (one fold, split by sample
id; validation = test).
"""
import argparse
import json
import os
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations
from mmvb.datasets.releases.driver import AUC_CLASSES as CLASSES
from mmvb.datasets.releases.driver import read_auc_list


def _read(root: str, csv_name: str, progress: bool) -> list:
    rows = read_auc_list(osp.join(root, csv_name))
    samples = []
    for row, rel, label in tqdm(rows, desc=csv_name, disable=not progress):
        if not osp.isfile(osp.join(root, rel)):
            raise FileNotFoundError(
                f'{rel} (line {row.line} of {row.path}) missing in {root}')
        samples.append(
            dict(
                id='auc_' + osp.splitext(rel.replace(os.sep, '_'))[0],
                subject='unknown',
                label=label,
                source='image',
                path=rel))
    return samples


def convert(root: str, out_file: str, progress: bool = True) -> dict:
    train = _read(root, 'Train_data_list.csv', progress)
    test = _read(root, 'Test_data_list.csv', progress)
    test_ids = [d['id'] for d in test]
    folds = [dict(train=[d['id'] for d in train], val=test_ids, test=test_ids)]
    return dump_driver_annotations(
        out_file,
        'AUC-v1',
        CLASSES,
        train + test,
        folds,
        protocol='official train/test CSV split (v1 has no driver ids)',
        split_by='id')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the v1_cam1_no_split folder')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, not args.no_progress), indent=2))


if __name__ == '__main__':
    main()
