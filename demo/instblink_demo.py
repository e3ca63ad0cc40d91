# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink on a video file or a camera: tracked faces, ids and blinks.

Frames are read, run through :class:`mmvb.apis.InstBlinkStream` (PyTorch,
or ONNX Runtime with ``--onnx``) and written back, as soon as they are
final (one clip later), with the face boxes, track ids and blinks drawn and
a scrolling per-person blink timeline under them. Blink events go to a CSV
and a JSON file as they end (track id, first and last frame, score, and
the times in seconds). A progress bar shows the frames per second. Memory
does not grow with the video, except for the full results in the
MPEblink format (``<name>_instblink.json``) and the timeline plot
(``<name>_blink_timeline.png``), which keep every frame of every track:
``--no-results`` leaves them out (the default for a camera).

Outputs in ``--out-dir`` (``<name>``: the video's name or ``camera<i>``):
``<name>_instblink.mp4``, ``<name>_blinks.csv``, ``<name>_blinks.json``,
and ``<name>_instblink.json``, ``<name>_blink_timeline.png``.

Example::

    CONFIG=configs/instblink/instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py
    python demo/instblink_demo.py video.mp4 $CONFIG \
        --checkpoint work_dirs/instblink/iter_10000.pth --out-dir demo_out
    # the released official checkpoint (converted on the fly)
    python demo/instblink_demo.py video.mp4 $CONFIG \
        --checkpoint instblink_r50.pth --official
    # camera 0 for 30 s at 25 fps (Ctrl-C stops too), ONNX Runtime
    python demo/instblink_demo.py 0 $CONFIG --onnx instblink.onnx \
        --max-frames 750
"""
import argparse
import csv
import json
import os
import os.path as osp
import sys
import time
from collections import deque

import cv2
import numpy as np
import torch
from tqdm import tqdm

from mmvb.apis import (InstBlinkResultCollector, InstBlinkStream,
                       init_instblink, instblink_test_size)
from mmvb.apis.instblink_visualization import (BlinkTimelinePanel,
                                               draw_stream_frame,
                                               plot_blink_timeline)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', help='video file, or camera index (0, 1..)')
    parser.add_argument(
        'config', help='InstBlink config (not read with --onnx)')
    parser.add_argument('--checkpoint', help='model weights')
    parser.add_argument(
        '--official',
        action='store_true',
        help='the checkpoint is the official (mmdet 2.x) one')
    parser.add_argument(
        '--onnx',
        help='run this exported graph (tools/deployment/export_onnx.py) '
        'with ONNX Runtime instead of the PyTorch model')
    parser.add_argument('--out-dir', default='demo_out', help='output folder')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int, help='CPU threads')
    parser.add_argument(
        '--clip-len',
        type=int,
        help='frames per clip (default: 36, or the ONNX graph\'s)')
    parser.add_argument(
        '--stride', type=int, help='clip stride (default: half a clip)')
    parser.add_argument(
        '--input-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help='network frame size (default: the ONNX graph\'s, else the '
        'config test size)')
    parser.add_argument('--score-thr', type=float, default=0.5)
    parser.add_argument('--iou-thr', type=float, default=0.2)
    parser.add_argument('--blink-thr', type=float, default=0.3)
    parser.add_argument(
        '--nms-thr',
        type=float,
        help='temporal NMS of a clip\'s queries (InstBlink++; off by default)')
    parser.add_argument(
        '--frame-thr',
        type=float,
        help='frames whose face probability is not above this are absent '
        '(off by default, as the official code)')
    parser.add_argument(
        '--max-frames', type=int, help='stop after this many frames')
    parser.add_argument(
        '--fps', type=float, help='frame rate (default: the source\'s)')
    parser.add_argument(
        '--results',
        action=argparse.BooleanOptionalAction,
        default=None,
        help='write the MPEblink-format results and the timeline plot '
        '(default: for video files, not for cameras)')
    parser.add_argument('--no-progress', action='store_true')
    return parser.parse_args(argv)


def open_source(source: str):
    """``(capture, name, is_camera)``; exits with one line if it cannot be
    opened or read."""
    camera = source.isdigit()
    if camera:
        what, name = f'camera {source}', f'camera{source}'
    else:
        what, name = f'video {source}', osp.splitext(osp.basename(source))[0]
        if not osp.isfile(source):
            sys.exit(f'error: no such video file: {source}')
    # OpenCV's (and its FFmpeg's) own log lines would bury ours
    os.environ.setdefault('OPENCV_FFMPEG_LOGLEVEL', '-8')  # AV_LOG_QUIET
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        capture = cv2.VideoCapture(int(source) if camera else source)
    finally:
        cv2.utils.logging.setLogLevel(level)
    if not capture.isOpened():
        sys.exit(f'error: cannot open {what}')
    return capture, what, name, camera


def read_frames(capture, what: str, limit=None):
    """RGB frames of an opened capture; exits with one line when not even
    the first frame can be read."""
    count = 0
    while limit is None or count < limit:
        ok, frame = capture.read()
        if not ok:
            if count == 0:
                sys.exit(f'error: cannot read any frame from {what}')
            return
        count += 1
        yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)


class AnnotatedWriter:
    """Writes final frames with boxes and the blink timeline panel."""

    def __init__(self, path, fps, blink_thr, min_height=360):
        self.path, self.fps, self.blink_thr = path, fps, blink_thr
        self.min_height = min_height
        self.writer = None
        self.frames = 0

    def write(self, frame, record):
        if self.writer is None:
            h, w = frame.shape[:2]
            self.scale = max(1, int(np.ceil(self.min_height / h)))
            self.panel = BlinkTimelinePanel(
                w * self.scale, blink_thr=self.blink_thr)
            size = (w * self.scale, h * self.scale + self.panel.height)
            self.writer = cv2.VideoWriter(self.path,
                                          cv2.VideoWriter_fourcc(*'mp4v'),
                                          self.fps, size)
            if not self.writer.isOpened():
                sys.exit(f'error: cannot write {self.path}')
        if self.scale > 1:
            frame = cv2.resize(
                frame,
                None,
                fx=self.scale,
                fy=self.scale,
                interpolation=cv2.INTER_NEAREST)
        drawn = draw_stream_frame(frame, record, self.blink_thr, self.scale)
        out = np.concatenate([drawn, self.panel.update(record)])
        self.writer.write(cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
        self.frames += 1

    def close(self):
        if self.writer is not None:
            self.writer.release()


def main(argv=None):
    args = parse_args(argv)
    capture, what, name, camera = open_source(args.source)
    fps = args.fps or capture.get(cv2.CAP_PROP_FPS) or 25.0
    total = None if camera else int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    if args.max_frames is not None and total:
        total = min(total, args.max_frames)
    collect = (not camera) if args.results is None else args.results
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.onnx:
        from mmvb.apis import ONNXClipBackend
        model = ONNXClipBackend(args.onnx, num_threads=args.threads)
        clip_len, _, h, w = model.input_shape
        size = (w, h)
    else:
        cfg, model = init_instblink(args.config, args.checkpoint,
                                    args.official, args.device)
        clip_len, size = 36, instblink_test_size(cfg)
    clip_len = args.clip_len or clip_len
    stream = InstBlinkStream(
        model,
        clip_len=clip_len,
        stride=args.stride or max(clip_len // 2, 1),
        input_size=tuple(args.input_size) if args.input_size else size,
        score_thr=args.score_thr,
        iou_thr=args.iou_thr,
        blink_thr=args.blink_thr,
        nms_thr=args.nms_thr,
        frame_thr=args.frame_thr)
    os.makedirs(args.out_dir, exist_ok=True)
    prefix = osp.join(args.out_dir, name)
    writer = AnnotatedWriter(f'{prefix}_instblink.mp4', fps, args.blink_thr)
    collector = InstBlinkResultCollector() if collect else None
    events = []
    pending = deque()  # frames read but not final yet
    csv_file = open(f'{prefix}_blinks.csv', 'w', newline='')
    table = csv.writer(csv_file)
    table.writerow(['track_id', 'start', 'end', 'score', 'start_s', 'end_s'])

    def consume(out):
        for record in out['frames']:
            writer.write(pending.popleft(), record)
        for event in out['blinks']:
            event = dict(
                event,
                start_s=round(event['start'] / fps, 3),
                end_s=round((event['end'] + 1) / fps, 3))
            events.append(event)
            table.writerow([
                event[k] for k in ('track_id', 'start', 'end', 'score',
                                   'start_s', 'end_s')
            ])
        csv_file.flush()
        if collector is not None:
            collector.update(out)

    bar = tqdm(
        total=total,
        unit='frame',
        desc=name,
        disable=args.no_progress,
        dynamic_ncols=True)
    tic = time.perf_counter()
    try:
        for frame in read_frames(capture, what, args.max_frames):
            pending.append(frame)
            consume(stream.push(frame))
            bar.update(1)
    except KeyboardInterrupt:
        print('stopped', file=sys.stderr)
    finally:
        capture.release()
    consume(stream.close())
    elapsed = time.perf_counter() - tic
    bar.close()
    writer.close()
    csv_file.close()
    with open(f'{prefix}_blinks.json', 'w') as f:
        json.dump(events, f, indent=1)
    outputs = [f'{prefix}_instblink.mp4', f'{prefix}_blinks.csv']
    if collector is not None:
        tracks = collector.results(name)
        with open(f'{prefix}_instblink.json', 'w') as f:
            json.dump(tracks, f)
        plot_blink_timeline(
            tracks, f'{prefix}_blink_timeline.png', fps, title=name)
        outputs += [f'{prefix}_instblink.json', f'{prefix}_blink_timeline.png']
    n = stream.num_frames
    print(f'{n} frames in {elapsed:.1f} s ({n / max(elapsed, 1e-9):.2f} '
          f'frames/s), {stream.linker.num_tracks} tracks, {len(events)} '
          f'blinks')
    print('\n'.join(outputs))


if __name__ == '__main__':
    main()
