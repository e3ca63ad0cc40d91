# Copyright (c) mmvb contributors. All rights reserved.
"""Frames per second of streaming InstBlink (PyTorch or ONNX Runtime).

A generated multi-face video (:func:`mmvb.datasets.synthetic.
render_blink_video`) at the network size (640x360 by default, no resize)
is pushed frame by frame through :class:`mmvb.apis.InstBlinkStream`: clips
of 36 frames with stride 18, linking, blink merging; frame decoding is not
timed. Weights are random (the time does not depend on them). Reported per
backend: the median seconds per clip, the steady-state frames per second of
a long stream (``stride`` new frames per clip: ``stride / median``) and the
wall-clock frames per second of the whole stream (its first clip has no
overlap, its last clip is extra). ``--backend onnx`` exports the graph
first (``tools/deployment/export_onnx.py``, not timed) and also reports
the largest ONNX Runtime - PyTorch difference on the first clip.

Example (2 threads, R50 and R18 at 640x360, both backends)::

    CONFIG=configs/instblink/instblink_imagenet-pretrained-r50-fpn_\
2xb4-11x1x1-10000i_mpeblink-rgb.py
    python tools/analysis/benchmark_instblink_stream.py $CONFIG \
        --backend torch onnx --threads 2
    python tools/analysis/benchmark_instblink_stream.py $CONFIG \
        --backend torch onnx --threads 2 --name R18 --cfg-options \
        model.backbone.depth=18 model.neck.in_channels='[64,128,256,512]'
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import statistics
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config, DictAction

from mmvb.apis import InstBlinkStream, ONNXClipBackend, build_model_from_cfg
from mmvb.datasets.synthetic import render_blink_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='InstBlink config')
    parser.add_argument(
        '--backend', nargs='+', default=['torch'], choices=['torch', 'onnx'])
    parser.add_argument('--frames', type=int, default=90)
    parser.add_argument('--clip-len', type=int, default=36)
    parser.add_argument('--stride', type=int, default=18)
    parser.add_argument(
        '--input-size', type=int, nargs=2, default=(640, 360), metavar='WH')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--name', default='', help='row label')
    parser.add_argument('--onnx-dir', help='keep the exported graph here')
    parser.add_argument('--out', help='append the results as JSON lines')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


class TimedBackend:
    """Times each clip of a backend."""

    def __init__(self, backend):
        self.backend, self.times = backend, []
        self.input_shape = getattr(backend, 'input_shape', None)
        self.check_shape = getattr(backend, 'check_shape', None)

    def __call__(self, clip, scale_factor):
        tic = time.perf_counter()
        out = self.backend(clip, scale_factor)
        self.times.append(time.perf_counter() - tic)
        return out


def run_stream(backend, frames, args):
    timed = TimedBackend(backend)
    stream = InstBlinkStream(
        timed,
        clip_len=args.clip_len,
        stride=args.stride,
        input_size=tuple(args.input_size))
    tic = time.perf_counter()
    for frame in frames:
        stream.push(frame)
    stream.close()
    wall = time.perf_counter() - tic
    median = statistics.median(timed.times)
    return dict(
        clips=len(timed.times),
        s_per_clip=round(median, 3),
        steady_fps=round(args.stride / median, 3),
        wall_fps=round(len(frames) / wall, 3))


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model = build_model_from_cfg(cfg)
    w, h = args.input_size
    frames, _ = render_blink_video(
        np.random.default_rng(0), num_frames=args.frames, width=w, height=h)
    rows = []
    load = os.getloadavg()[0]
    for name in args.backend:
        row = dict(
            name=args.name or osp.basename(args.config),
            backend=name,
            threads=args.threads,
            frames=args.frames,
            size=f'{w}x{h}')
        if name == 'torch':
            from mmvb.apis import TorchClipBackend
            backend = TorchClipBackend(model)
        else:
            spec = importlib.util.spec_from_file_location(
                'export_onnx',
                osp.join(ROOT, 'tools', 'deployment', 'export_onnx.py'))
            tool = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(tool)
            folder = args.onnx_dir or tempfile.mkdtemp()
            path = osp.join(folder, f'instblink_{args.clip_len}x{w}x{h}.onnx')
            tic = time.perf_counter()
            tool.export(model, args.clip_len, (w, h), path)
            row['export_s'] = round(time.perf_counter() - tic, 1)
            backend = ONNXClipBackend(path, num_threads=args.threads)
            clip = np.stack(frames[:args.clip_len])
            with torch.no_grad():
                want = model.predict_clip(
                    torch.from_numpy(clip).permute(0, 3, 1, 2))
            got = backend(clip, (1.0, 1.0))
            row['max_abs_diff'] = {
                key: float(np.abs(got[key] - want[key].numpy()).max())
                for key in got
            }
        row.update(run_stream(backend, frames, args))
        row['load_before'] = round(load, 2)
        load = os.getloadavg()[0]
        row['load_after'] = round(load, 2)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.out:
            with open(args.out, 'a') as f:
                f.write(json.dumps(row) + '\n')
    return rows


if __name__ == '__main__':
    main()
