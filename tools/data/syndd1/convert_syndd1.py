# Copyright (c) mmvb contributors. All rights reserved.
"""Convert SynDD1 (Rahman et al., Data in Brief 2023; AI City 2022 Track 3)
to mmvb's driver-activity annotations (dashboard view, DriveCLIP's folds).

Official layout (the release linked from doi:10.1016/j.dib.2022.108793; one
folder per driver)::

    ROOT/user_id_19332/Dashboard_user_id_19332_NoAudio_5.MP4  # + Rear_view_*,
    ROOT/user_id_19332/user_id_19332.csv                     #   Right_side_*
        # [User ID,]Filename,Camera View,Activity Type,Start Time,End Time,
        # Label/Class ID,Appearance Block
        # (Filename only on a video's first row; labels "7", "Class 7" or
        # "NA" for the gaps between activities; the label column is also
        # called "Label" or "Label (Primary)" in some copies)

Example::

    python tools/data/syndd1/convert_syndd1.py data/syndd1 \
        data/syndd1/annotations.json --fps 1

Every labelled dashboard segment becomes a clip of the video, sampled at
``--fps`` (DriveCLIP extracts 1 fps). CSV rows are matched to videos by
camera, user id and recording number, so name variants such as
``NoAudio`` or letter case do not matter. Like DriveCLIP, segments recorded
with an appearance block (hat, sunglasses) are skipped unless
``--keep-appearance``. Classes: DriveCLIP's 8 (default) or all 18. Folds:
DriveCLIP's 7 driver-out folds (10 train / 2 val / 2 test drivers,
``driveclip_folds.json``). A CSV without the filename, time or label
columns, a time that is not ``H:MM:SS``, a label that is not a class id, a
row before any file name or a segment outside its video stops the
conversion with an error naming the file, line and column.
"""
import argparse
import json
import os
import os.path as osp

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations, video_info
from mmvb.datasets.annotation_io import AnnotationError
from mmvb.datasets.releases.driver import SYNDD1_CLASSES as ALL_CLASSES
from mmvb.datasets.releases.driver import VIDEO_EXTS
from mmvb.datasets.releases.driver import parse_syndd1_name as parse_name
from mmvb.datasets.releases.driver import read_syndd1_csv as read_label_csv

# DriveCLIP's 8 classes and the SynDD1 labels each one takes.
DRIVECLIP_CLASSES = (('adjusting_hair', (7, )), ('drinking', (1, )),
                     ('eating', (4, )), ('picking_from_floor', (10, 11)),
                     ('reaching_behind', (8, )), ('singing', (16, )),
                     ('talking_on_phone', (2, 3)), ('yawning', (14, )))
FOLDS_FILE = osp.join(
    osp.dirname(osp.abspath(__file__)), 'driveclip_folds.json')


def convert(root: str,
            out_file: str,
            fps: float = 1.0,
            classes: str = 'driveclip',
            camera: str = 'dashboard',
            keep_appearance: bool = False,
            progress: bool = True) -> dict:
    if classes == 'driveclip':
        names = [c for c, _ in DRIVECLIP_CLASSES]
        label_map = {
            name: i
            for i, (_, names_i) in enumerate(DRIVECLIP_CLASSES)
            for name in names_i
        }
    else:
        names = list(ALL_CLASSES)
        label_map = {i: i for i in range(len(ALL_CLASSES))}
    videos, csvs = {}, []
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = osp.relpath(osp.join(dirpath, f), root)
            if f.lower().endswith(VIDEO_EXTS) and parse_name(f):
                videos[parse_name(f)] = path
            elif f.lower().endswith('.csv'):
                csvs.append(path)
    data_list, infos = [], {}
    for csv_path in tqdm(sorted(csvs), desc='syndd1', disable=not progress):
        full = osp.join(root, csv_path)
        for row in read_label_csv(full):
            current, label = row['video'], row['label']
            if current[0] != camera or label not in label_map:
                continue  # other views, NA gaps, classes not used
            if row['block'] not in ('none', 'no', '') and \
                    not keep_appearance:
                continue
            if current not in videos:
                raise FileNotFoundError(f'no video for {current} '
                                        f'({full}, line {row["line"]})')
            video = videos[current]
            if video not in infos:
                infos[video] = video_info(osp.join(root, video))
            num, video_fps = infos[video]
            stride = max(1, round(video_fps / fps))
            start = round(row['start'] * video_fps)
            end = min(round(row['end'] * video_fps), num - 1)
            if end < start:
                raise AnnotationError(
                    full, f'the segment starts at frame {start}, after the '
                    f'end of {video} ({num} frames at {video_fps:g} fps)',
                    line=row['line'],
                    column='start time',
                    row=row['text'])
            data_list.append(
                dict(
                    id=f'syndd1_{current[1]}_{current[0]}_{current[2]}_'
                    f'{row["line"] - 2:03d}',
                    subject=current[1],
                    label=label_map[label],
                    source='video',
                    path=video,
                    start_frame=start,
                    num_frames=(end - start) // stride + 1,
                    frame_stride=stride))
    with open(FOLDS_FILE) as f:
        folds = json.load(f)['folds']
    return dump_driver_annotations(
        out_file,
        'SynDD1',
        names,
        data_list,
        folds,
        protocol='DriveCLIP driver-out CV: 7 folds of 10/2/2 drivers',
        camera=camera,
        fps=fps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the SynDD1 folder')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument(
        '--fps', type=float, default=1.0, help='frames sampled per second')
    parser.add_argument(
        '--classes', default='driveclip', choices=['driveclip', 'all'])
    parser.add_argument(
        '--camera',
        default='dashboard',
        choices=['dashboard', 'rearview', 'rightsidewindow'])
    parser.add_argument('--keep-appearance', action='store_true')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.fps, args.classes,
                    args.camera, args.keep_appearance, not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
