# Copyright (c) mmvb contributors. All rights reserved.
"""Convert DMD (Driver Monitoring Dataset, Ortega et al., ECCV-W 2020) to
mmvb's driver-activity annotations (body-camera RGB, DriveCLIP's 10 classes
and 7 driver-out folds of group A).

Official layout (dmd.vicomtech.org; OpenLABEL annotations)::

    ROOT/gA/1/s1/gA_1_s1_<date>_rgb_body.mp4            # also face, hands
    ROOT/gA/1/s1/gA_1_s1_<date>_rgb_ann_distraction.json
    ROOT/gA/1/s5/gA_1_s5_<date>_rgb_ann_drowsiness.json  # yawning

Example::

    python tools/data/dmd/convert_dmd.py data/dmd data/dmd/annotations.json

Actions are read from ``openlabel.actions`` (or ``vcd.actions`` in older
files): ``type`` such as ``driver_actions/texting_right`` with
``frame_intervals`` in the frame numbering of the annotation (the mosaic of
the three cameras). The body camera's frame is the annotation frame minus
the body-to-face ``frame_shift`` of ``streams``, relative to the stream that
starts first (the DMD exploration tool's rule). DriveCLIP's ``yawning``
comes from the drowsiness annotation (``yawning/Yawning with hand`` and
``yawning/Yawning without hand``). Action types are ``<level>/<label>`` as
the DMD annotation tool writes them; a ``driver_actions`` or ``yawning``
label outside the tool's vocabulary (``annotation-tool/config_distraction
.json`` / ``config_drowsiness.json`` of Vicomtech/DMD-Driver-Monitoring-
Dataset) stops the conversion with an error naming the file and the action,
so that a renamed class is not dropped silently; the other levels (gaze,
hands, talking, ...) are not used. Every interval becomes one clip, cut
into windows of ``--clip-seconds`` (the last, shorter one is kept if at
least 1 s long), sampled at ``--fps``.
"""
import argparse
import json
import os
import os.path as osp
import re

from tqdm import tqdm

from mmvb.datasets import dump_driver_annotations, video_info, window_clips
from mmvb.datasets.releases.driver import \
    dmd_action_intervals as action_intervals

DRIVECLIP_CLASSES = ('drinking', 'hair_and_makeup', 'phonecall_right', 'radio',
                     'reach_backseat', 'reach_side', 'safe_drive',
                     'talking_to_passenger', 'texting_right', 'yawning')
FOLDS_FILE = osp.join(
    osp.dirname(osp.abspath(__file__)), 'driveclip_folds.json')


def convert(root: str,
            out_file: str,
            groups=('gA', ),
            fps: float = 5.0,
            clip_seconds: float = 5.0,
            progress: bool = True) -> dict:
    classes = list(DRIVECLIP_CLASSES)
    sessions = []
    for group in groups:
        for dirpath, _, files in os.walk(osp.join(root, group)):
            for f in files:
                if re.search(r'_ann_(distraction|drowsiness)\.json$', f):
                    sessions.append(osp.join(dirpath, f))
    data_list, infos = [], {}
    for ann_file in tqdm(sorted(sessions), desc='dmd', disable=not progress):
        stem = osp.basename(ann_file).split('_ann_')[0]  # ..._rgb
        group, subject = stem.split('_')[:2]
        video = osp.join(osp.dirname(ann_file), stem + '_body.mp4')
        if not osp.isfile(video):
            raise FileNotFoundError(f'{video} (body camera) is missing')
        rel_video = osp.relpath(video, root)
        if rel_video not in infos:
            infos[rel_video] = video_info(video)
        num, video_fps = infos[rel_video]
        stride = max(1, round(video_fps / fps))
        intervals, offset = action_intervals(ann_file, classes)
        for k, (name, start, end) in enumerate(intervals):
            start, end = max(start - offset, 0), min(end - offset, num - 1)
            if end < start:
                continue
            window = round(clip_seconds * video_fps) if clip_seconds else 0
            for w, (w_start, length) in enumerate(
                    window_clips(
                        end - start + 1, window, min_frames=round(video_fps))):
                data_list.append(
                    dict(
                        id=f'dmd_{stem}_{k:03d}_{w:02d}'.replace(';', '-'),
                        subject=subject,
                        label=classes.index(name),
                        source='video',
                        path=rel_video,
                        start_frame=start + w_start,
                        num_frames=(length - 1) // stride + 1,
                        frame_stride=stride,
                        group=group))
    with open(FOLDS_FILE) as f:
        folds = json.load(f)['folds']
    return dump_driver_annotations(
        out_file,
        'DMD',
        classes,
        data_list,
        folds,
        protocol='DriveCLIP driver-out CV: 7 folds of 23/6 group-A '
        'drivers (val = test)',
        camera='body',
        fps=fps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the DMD folder (holding gA/, ...)')
    parser.add_argument('out_file', help='annotation JSON to write')
    parser.add_argument('--groups', nargs='+', default=['gA'])
    parser.add_argument(
        '--fps', type=float, default=5.0, help='frames sampled per second')
    parser.add_argument(
        '--clip-seconds',
        type=float,
        default=5.0,
        help='cut intervals into clips this long (0: whole intervals)')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args()
    print(
        json.dumps(
            convert(args.root, args.out_file, args.groups, args.fps,
                    args.clip_seconds, not args.no_progress),
            indent=2))


if __name__ == '__main__':
    main()
