# Copyright (c) mmvb contributors. All rights reserved.
"""Convert the MPEblink release into rawframes and annotation JSON files.

Reads the release layout (``<root>/{train,validate,test}/<video id>/``
with ``video.mp4`` and ``annote.json``) and writes, like the official
``mpeblink_build_raw_frames_dataset.py``:

* ``<out>/<split>_rawframes/<video id>/<5-digit index>.png``: every frame,
  resized to ``--size`` (640x360, aspect ratio ignored);
* ``<out>/annotations/<split>.json``: YouTube-VIS-style JSON with
  ``videos`` (id, size, length, ``file_names``) and one annotation per
  person (``bboxes`` ``[x, y, w, h]`` or ``null`` per frame scaled to the
  new size, ``landmark``, ``blinks`` as inclusive ``[start, end]``,
  ``blinks_binary`` 0/1 per annotated frame and ``null`` where absent).

Annotation ids are 1..N in sorted-video order within a split (the
official evaluator relies on this). Videos are decoded with OpenCV. Every
``annote.json`` is checked first (:func:`mmvb.datasets.mpeblink_dataset
.check_annote`); a malformed one stops the conversion with an error naming
the file and the key. Videos that decode to another number of frames than
their ``length`` are listed (the official converter writes every decoded
frame; the dataset reads annotations for the frames that exist).

Example::

    python tools/data/mpeblink/convert_mpeblink.py data/mpeblink
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence

import cv2
from tqdm import tqdm

from mmvb.datasets.mpeblink_dataset import check_annote

SPLITS = ('validate', 'train', 'test')


def convert_person(person: Dict, length: int, scale_w: float,
                   scale_h: float) -> Dict:
    """Scale one person's boxes/landmarks and derive ``blinks_binary``."""
    bboxes, landmarks, binary = [], [], []
    blinks = person['blink']
    for index in range(length):
        box = person['bbox'][index]
        if box is None:
            bboxes.append(None)
            landmarks.append(person['landmark'][index])
            binary.append(None)
            continue
        bboxes.append([
            box[0] * scale_w, box[1] * scale_h, box[2] * scale_w,
            box[3] * scale_h
        ])
        points = person['landmark'][index]
        landmarks.append(
            None if points is None else [[p[0] * scale_w, p[1] * scale_h]
                                         for p in points])
        binary.append(int(any(s <= index <= e for s, e in blinks)))
    return dict(
        bboxes=bboxes, landmark=landmarks, blinks=blinks, blinks_binary=binary)


def extract_frames(video_path: str, frame_dir: str, rel_dir: str,
                   size: Sequence[int], ext: str) -> List[str]:
    """Decode every frame, resize and write it; return relative names."""
    os.makedirs(frame_dir, exist_ok=True)
    capture = cv2.VideoCapture(video_path)
    if not capture.isOpened():
        raise OSError(f'OpenCV cannot open {video_path}')
    names = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        name = f'{len(names):05d}.{ext}'
        image = cv2.resize(image, tuple(size))
        if not cv2.imwrite(osp.join(frame_dir, name), image):
            raise OSError(f'cannot write {osp.join(frame_dir, name)}')
        names.append(f'{rel_dir}/{name}')
    capture.release()
    return names


def convert_split(root: str,
                  out: str,
                  split: str,
                  size: Sequence[int] = (640, 360),
                  ext: str = 'png',
                  progress: bool = True) -> Optional[str]:
    """Convert one split; return the JSON path (None if the split is
    absent)."""
    split_root = osp.join(root, split)
    if not osp.isdir(split_root):
        return None
    frames_root = osp.join(out, f'{split}_rawframes')
    target_w, target_h = size
    videos, annotations = [], []
    video_ids = sorted(int(v) for v in os.listdir(split_root))
    for video_id in tqdm(video_ids, desc=split, disable=not progress):
        video_root = osp.join(split_root, str(video_id))
        ann_path = osp.join(video_root, 'annote.json')
        with open(ann_path) as f:
            raw = json.load(f)
        persons = check_annote(raw, ann_path)
        height, width, length = raw['height'], raw['width'], raw['length']
        file_names = extract_frames(
            osp.join(video_root, 'video.mp4'),
            osp.join(frames_root, str(video_id)), str(video_id), size, ext)
        if len(file_names) != length:
            print(f'{ann_path}: length {length}, but video.mp4 decodes to '
                  f'{len(file_names)} frames')
        videos.append(
            dict(
                height=target_h,
                width=target_w,
                length=length,
                file_names=file_names,
                id=video_id))
        for person in persons.values():
            ann = dict(
                height=target_h, width=target_w, length=1, category_id=1)
            ann.update(
                convert_person(person, length, target_w / width,
                               target_h / height))
            ann.update(video_id=video_id, id=len(annotations) + 1)
            annotations.append(ann)
    dataset = dict(
        info=dict(
            description='MPEblink Dataset',
            version='1',
            date_created=time.strftime('%Y-%m-%d %H:%M:%S')),
        licenses='only for research',
        videos=videos,
        categories=[dict(supercategory='object', id=1, name='person_face')],
        annotations=annotations)
    json_path = osp.join(out, 'annotations', f'{split}.json')
    os.makedirs(osp.dirname(json_path), exist_ok=True)
    with open(json_path, 'w') as f:
        json.dump(dataset, f)
    return json_path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='release root with train/validate/test')
    parser.add_argument(
        '--out', help='output root (defaults to the release root)')
    parser.add_argument(
        '--splits', nargs='+', default=list(SPLITS), help='splits to do')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=(640, 360),
        metavar=('W', 'H'),
        help='frame size of the rawframes (official: 640 360)')
    parser.add_argument(
        '--ext', default='png', choices=['png', 'jpg'], help='frame format')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide progress bars')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    out = args.out or args.root
    for split in args.splits:
        path = convert_split(args.root, out, split, args.size, args.ext,
                             not args.no_progress)
        if path is None:
            print(f'{split}: not found under {args.root}, skipped')
        else:
            print(f'{split}: {path}')


if __name__ == '__main__':
    main()
