# Copyright (c) mmvb contributors. All rights reserved.
"""Train-step and inference throughput of configs' models.

Synthetic inputs (no data loading): the numbers measure the network, its
loss (training) and the optimizer step. Each measurement runs ``--warmup``
steps, then ``--repeats`` timed repeats of ``--iters`` steps; the median
repeat is reported.

Examples::

    python tools/analysis/benchmark.py CONFIG --shape 1 8 3 224 224 \
        --batch-size 8 --device cuda --dtype bf16
    python tools/analysis/benchmark.py --preset demo --device cpu

On CUDA the reported time includes ``torch.cuda.synchronize``.
"""
import argparse
import json
import os.path as osp
import statistics
import sys
import time
from contextlib import nullcontext

import torch
from mmengine.config import Config

from mmvb.apis import TensorForward, build_model_from_cfg
from mmvb.apis.benchmark import (AUTOCAST_DTYPES, device_name, peak_memory_gib,
                                 reset_peak_memory, time_steps)
from mmvb.testing import demo_inputs

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from benchmark_presets import PRESETS  # noqa: E402

DTYPES = AUTOCAST_DTYPES


def parse_args():
    parser = argparse.ArgumentParser(description='Benchmark models')
    parser.add_argument('configs', nargs='*', help='config file paths')
    parser.add_argument(
        '--preset', choices=sorted(PRESETS), help='a named benchmark set')
    parser.add_argument(
        '--shape', type=int, nargs='+', help='input shape (see docstring)')
    parser.add_argument('--batch-size', type=int, default=None)
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:i]')
    parser.add_argument(
        '--dtype',
        default='fp32',
        choices=sorted(DTYPES),
        help='autocast dtype (fp32: no autocast)')
    parser.add_argument(
        '--mode',
        nargs='+',
        default=['train', 'infer'],
        choices=['train', 'infer'])
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--iters', type=int, default=3, help='steps/repeat')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument(
        '--clock',
        default='wall',
        choices=['wall', 'process'],
        help='wall: elapsed time; process: CPU time of this process (all '
        'threads), steadier than wall time on a shared CPU')
    parser.add_argument('--out', help='write the results as JSON here')
    return parser.parse_args()


def benchmark_one(entry: dict, args) -> list:
    device = torch.device(args.device)
    dtype = DTYPES[args.dtype]
    cfg = Config.fromfile(entry['config'])
    model = build_model_from_cfg(cfg, device=args.device)
    inputs, samples = demo_inputs(cfg.model, entry['batch'], entry['shape'])
    inputs = inputs.to(device)
    samples = [s.to(device) for s in samples]
    autocast = (
        torch.autocast(device.type, dtype=dtype)
        if dtype is not None else nullcontext())
    results = []
    reset_peak_memory(device)
    clock = time.process_time if args.clock == 'process' else \
        time.perf_counter

    if 'infer' in args.mode:
        net = TensorForward(model).eval()

        def infer_step():
            with torch.no_grad(), autocast:
                net(inputs)

        times = time_steps(infer_step, device, args.warmup, args.repeats,
                           args.iters, clock)
        results.append(_result(entry, args, 'infer', times, device))

    if 'train' in args.mode:
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=1e-5)

        def train_step():
            with autocast:
                losses = model(inputs, samples, mode='loss')
                loss, _ = model.parse_losses(losses)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)

        times = time_steps(train_step, device, args.warmup, args.repeats,
                           args.iters, clock)
        results.append(_result(entry, args, 'train', times, device))
    return results


def _result(entry, args, mode, times, device) -> dict:
    median = statistics.median(times)
    out = dict(
        name=entry['name'],
        config=entry['config'],
        mode=mode,
        batch=entry['batch'],
        shape=list(entry['shape']),
        device=str(device),
        device_name=device_name(device),
        dtype=args.dtype,
        clock=args.clock,
        median_s=median,
        samples_per_s=entry['batch'] / median,
        repeats_s=times)
    if 'frames_per_sample' in entry:
        out['frames_per_s'] = out['samples_per_s'] * entry['frames_per_sample']
    if device.type == 'cuda':
        out['peak_mem_gib'] = peak_memory_gib(device)
    return out


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    entries = list(PRESETS[args.preset]) if args.preset else []
    for config in args.configs:
        if args.shape is None:
            raise SystemExit('--shape is required with config paths')
        entries.append(
            dict(
                name=osp.splitext(osp.basename(config))[0],
                config=config,
                shape=tuple(args.shape),
                batch=args.batch_size or args.shape[0]))
    if not entries:
        raise SystemExit('give config paths or --preset')
    if args.batch_size:
        entries = [dict(e, batch=args.batch_size) for e in entries]
    results = []
    for entry in entries:
        results += benchmark_one(entry, args)
    header = f'{"name":34s} {"mode":5s} {"batch":>5s} {"ms/step":>9s} ' \
             f'{"samples/s":>10s}'
    print(f'device: {results[0]["device_name"]}  dtype: {args.dtype}  '
          f'threads: {torch.get_num_threads()}  clock: {args.clock}')
    print(header)
    for r in results:
        fps = f' {r["frames_per_s"]:10.1f} frames/s' \
            if 'frames_per_s' in r else ''
        print(f'{r["name"][:34]:34s} {r["mode"]:5s} {r["batch"]:5d} '
              f'{r["median_s"] * 1e3:9.1f} {r["samples_per_s"]:10.2f}{fps}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
