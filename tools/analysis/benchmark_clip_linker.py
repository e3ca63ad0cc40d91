# Copyright (c) mmvb contributors. All rights reserved.
"""Time InstBlink's clip linker on long videos whose tracks fragment.

A generated video: clips of ``--clip-len`` frames with stride ``--stride``
(the official test split), at most ``--queries`` kept queries per clip.
Faces appear at random places and live for one clip (one in twenty for
two: then it is linked once), so the video ends with about ``TRACKS``
tracks (the worst case for a linker that keeps every track at the video
length). Reported per size: linking
all clips (:meth:`ClipLinker.add_clip`), linking while streaming the
final frames out (:meth:`ClipLinker.release` after every clip, as
:class:`mmvb.apis.InstBlinkStream` does), building the dense per-video
tracks (:meth:`ClipLinker.tracks`, ``[L]`` arrays per track: its output
alone is ``frames x tracks``), the tracks at the end and the most tracks
open at once. Wall time, median of ``--repeats``.

Example::

    python tools/analysis/benchmark_clip_linker.py \
        --sizes 1500x750 3000x1500 6000x3000
"""
import argparse
import statistics
import time

import numpy as np

from mmvb.datasets import video_clip_starts
from mmvb.models.task_modules.tracking import ClipLinker


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--sizes',
        nargs='+',
        default=['1500x750', '3000x1500', '6000x3000'],
        help='FRAMESxTRACKS per run')
    parser.add_argument('--clip-len', type=int, default=36)
    parser.add_argument('--stride', type=int, default=18)
    parser.add_argument('--queries', type=int, default=10)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--no-dense', action='store_true', help='skip ClipLinker.tracks()')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def fragmenting_video(num_frames: int,
                      num_tracks: int,
                      clip_len: int,
                      stride: int,
                      queries: int,
                      seed: int = 0) -> list:
    """Clips ``(start, boxes, scores, blinks)`` of a generated video."""
    rng = np.random.default_rng(seed)
    spans = video_clip_starts(num_frames, clip_len, stride)
    # faces that start per clip so that about num_tracks tracks result
    births = num_tracks / len(spans)
    faces, born, clips = [], 0.0, []
    for n, (start, t) in enumerate(spans):
        faces = [f for f in faces if f[2] > n]
        born += births
        while len(faces) < queries and born >= 1:
            xy = rng.uniform(0, 600, 2)
            life = 2 if rng.random() < 0.05 else 1
            faces.append((xy, rng.uniform(20, 60), n + life))
            born -= 1
        frames = np.arange(start, start + t, dtype=np.float64)[:, None]
        boxes = np.stack([
            np.concatenate([xy + 0.1 * frames, xy + size + 0.1 * frames], 1)
            for xy, size, _ in faces
        ]) if faces else np.zeros((0, t, 4))
        k = len(faces)
        clips.append((start, boxes, rng.uniform(0.6, 1.0,
                                                k), rng.uniform(0, 1, (k, t))))
    return clips


def run(clips, num_frames, dense):
    """Times of one repeat and the linker's counts."""
    out = {}
    tic = time.perf_counter()
    linker = ClipLinker()
    most_open = 0
    for clip in clips:
        linker.add_clip(*clip)
        most_open = max(most_open, linker.num_open)
    out['link'] = time.perf_counter() - tic
    if dense:
        tic = time.perf_counter()
        tracks = linker.tracks()
        out['dense'] = time.perf_counter() - tic
        assert len(tracks) == linker.num_tracks
        del tracks
    tic = time.perf_counter()
    stream = ClipLinker()
    for n, clip in enumerate(clips):
        stream.add_clip(*clip)
        last = n + 1 == len(clips)
        stream.release(num_frames if last else clips[n + 1][0], last)
    out['stream'] = time.perf_counter() - tic
    return out, linker.num_tracks, most_open


def main(argv=None):
    args = parse_args(argv)
    print('| frames | clips | tracks | most open | link (s) | link + '
          'release (s) | dense tracks() (s) |')
    print('|---:|---:|---:|---:|---:|---:|---:|')
    for size in args.sizes:
        num_frames, num_tracks = (int(v) for v in size.split('x'))
        clips = fragmenting_video(num_frames, num_tracks, args.clip_len,
                                  args.stride, args.queries, args.seed)
        times = []
        for _ in range(args.repeats):
            res, tracks, most_open = run(clips, num_frames, not args.no_dense)
            times.append(res)

        def med(key):
            if key not in times[0]:
                return '-'
            return f'{statistics.median(t[key] for t in times):.3f}'

        print(f'| {num_frames} | {len(clips)} | {tracks} | {most_open} | '
              f'{med("link")} | {med("stream")} | {med("dense")} |')


if __name__ == '__main__':
    main()
