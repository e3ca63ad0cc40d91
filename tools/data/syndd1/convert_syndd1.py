# Copyright (c) mmvb contributors. All rights reserved.
"""Convert SynDD1 (Rahman et al., Data in Brief 2023; AI City 2022 Track 3)
to mmvb's driver-activity annotations (dashboard view, DriveCLIP's folds).

Official layout (the release linked from doi:10.1016/j.dib.2022.108793; one
folder per driver)::

    ROOT/user_id_19332/Dashboard_user_id_19332_NoAudio_5.MP4  # + Rear_view_*,
    ROOT/user_id_19332/user_id_19332.csv                     #   Right_side_*
        # Filename,Camera View,Activity Type,Start Time,End Time,Label,
        # Appearance Block   (Filename only on a video's first row)

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
``driveclip_folds.json``).
"""
import argparse
import csv
import json
import os
import os.path as osp
import re

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations, video_info

ALL_CLASSES = ('normal_driving', 'drinking', 'phone_call_right',
               'phone_call_left', 'eating', 'text_right', 'text_left',
               'hair_or_makeup', 'reaching_behind', 'adjust_control_panel',
               'pick_up_from_floor_driver', 'pick_up_from_floor_passenger',
               'talk_to_passenger_right', 'talk_to_passenger_backseat',
               'yawning', 'hand_on_head', 'singing', 'shaking_or_dancing')
# DriveCLIP's 8 classes and the SynDD1 labels each one takes.
DRIVECLIP_CLASSES = (('adjusting_hair', (7, )), ('drinking', (1, )),
                     ('eating', (4, )), ('picking_from_floor', (10, 11)),
                     ('reaching_behind', (8, )), ('singing', (16, )),
                     ('talking_on_phone', (2, 3)), ('yawning', (14, )))
FOLDS_FILE = osp.join(
    osp.dirname(osp.abspath(__file__)), 'driveclip_folds.json')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')


def parse_name(name: str):
    """``(camera, user id, recording number)`` of a video or CSV file name,
    e.g. ``Dashboard_User_id_24026_NoAudio_3.MP4`` ->
    ``('dashboard', '24026', '3')``."""
    stem = osp.splitext(osp.basename(name))[0].lower()
    match = re.match(r'(.*?)_?user_id_(\d+)(?:_noaudio)?_(\d+)$', stem)
    if match is None:
        return None
    camera = re.sub(r'[^a-z]', '', match.group(1))
    return camera, match.group(2), match.group(3)


def _seconds(text: str) -> float:
    h, m, s = (float(v) for v in text.strip().split(':'))
    return h * 3600 + m * 60 + s


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
        with open(osp.join(root, csv_path), newline='') as f:
            rows = list(csv.DictReader(f))
        current = None
        for k, row in enumerate(rows):
            row = {
                key.strip().lower(): (v or '').strip()
                for key, v in row.items() if key
            }
            name = row.get('filename') or row.get('file name')
            if name:
                current = parse_name(name)
            label = row.get('label', '')
            if current is None or current[0] != camera or \
                    not label.isdigit() or \
                    int(label) not in label_map:
                continue
            block = row.get('appearance block', 'None').lower()
            if block not in ('none', 'no', '') and not keep_appearance:
                continue
            if current not in videos:
                raise FileNotFoundError(f'no video for {current} '
                                        f'({csv_path}, row {k + 2})')
            video = videos[current]
            if video not in infos:
                infos[video] = video_info(osp.join(root, video))
            num, video_fps = infos[video]
            stride = max(1, round(video_fps / fps))
            start = round(_seconds(row['start time']) * video_fps)
            end = min(round(_seconds(row['end time']) * video_fps), num - 1)
            if end < start:
                continue
            data_list.append(
                dict(
                    id=f'syndd1_{current[1]}_{current[0]}_{current[2]}_'
                    f'{k:03d}',
                    subject=current[1],
                    label=label_map[int(label)],
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
