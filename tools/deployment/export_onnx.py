# Copyright (c) mmvb contributors. All rights reserved.
"""Export InstBlink's clip network to ONNX (clip in, query tubes out).

The graph is :class:`mmvb.models.InstBlinkONNXWrapper`: one clip
``frames [T, 3, H, W]`` (float RGB in ``[0, 255]``, the size the frames are
resized to) in; ``scores [K]``, ``bboxes [K, T, 4]`` (``xyxy`` clip
pixels), ``face_scores [K, T]`` and ``blink_scores [K, T]`` of the ``K``
best queries out. Normalisation, padding, backbone, FPN, the ``M`` stages
and the top-``K`` selection are in the graph; linking and blink merging
stay in Python (:class:`mmvb.apis.InstBlinkStream` with the ``.onnx`` path
as its model). The shapes are fixed: a clip of another length or size is
refused with both shapes named.

Exporter: the TorchScript-based ``torch.onnx.export(..., dynamo=False)``,
which maps the RoIAlign to ONNX ``RoiAlign`` through the autograd
function's ``symbolic``; opset 17 (``RoiAlign`` with ``half_pixel``
coordinates, ``LayerNormalization``). torch 2.13 defaults to the
``torch.export``-based exporter (``dynamo=True``, needs ``onnxscript``): it
traces into the pure-PyTorch RoIAlign and stops at its data-dependent
sample count (``GuardOnDataDependentSymNode`` at ``int(grid_h.max())``,
tried with torch 2.13 and onnxscript 0.7.2), and it would need a custom
translation to emit ``RoiAlign`` anyway. The TorchScript exporter is
deprecated in torch 2.13 (a warning, silenced here) but complete.
Under ``torch.no_grad`` ``nn.MultiheadAttention`` takes its fused path,
which has no ONNX export, so the export runs with autograd on.

Needs ``onnx`` (metadata, check) and, for ``--verify``, ``onnxruntime``
(``requirements/optional.txt``).

Example::

    CONFIG=configs/instblink/instblink_imagenet-pretrained-r50-fpn_\
2xb4-11x1x1-10000i_mpeblink-rgb.py
    python tools/deployment/export_onnx.py $CONFIG \
        --checkpoint work_dirs/instblink_r50_mmvb.pth \
        --out work_dirs/instblink_r50_36x640x360.onnx --verify
"""
import argparse
import os
import os.path as osp
import sys
import warnings

import numpy as np
import torch

from mmvb.apis import init_instblink, instblink_test_size
from mmvb.models import InstBlinkONNXWrapper
from mmvb.ops.onnx_roi_align import ONNX_OPSET


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='InstBlink config')
    parser.add_argument('--checkpoint', help='weights (default: random)')
    parser.add_argument(
        '--official',
        action='store_true',
        help='the checkpoint is the official (mmdet 2.x) one')
    parser.add_argument('--out', required=True, help='output .onnx file')
    parser.add_argument('--clip-len', type=int, default=36)
    parser.add_argument(
        '--input-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help='frame size (default: the config test size)')
    parser.add_argument('--opset', type=int, default=ONNX_OPSET)
    parser.add_argument(
        '--verify',
        action='store_true',
        help='run the graph with onnxruntime on a random clip and print the '
        'largest differences to PyTorch')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def export(model, clip_len, size, out, opset=ONNX_OPSET, metadata=None):
    """Export ``model`` for clips of ``clip_len`` frames of ``size``
    ``(w, h)`` to ``out``; returns the wrapper."""
    w, h = size
    wrapper = InstBlinkONNXWrapper(model, clip_len, (h, w)).eval()
    dummy = torch.zeros(wrapper.input_shape)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    # Not under no_grad: there nn.MultiheadAttention takes its fused fast
    # path (aten::_native_multi_head_attention), which has no ONNX export.
    with warnings.catch_warnings():
        # the TorchScript exporter's deprecation and tracer warnings
        warnings.simplefilter('ignore')
        torch.onnx.export(
            wrapper, (dummy, ),
            out,
            dynamo=False,
            opset_version=opset,
            input_names=list(wrapper.input_names),
            output_names=list(wrapper.output_names),
            do_constant_folding=True)
    import onnx
    graph = onnx.load(out)
    onnx.checker.check_model(graph)
    props = dict(
        producer='mmvb tools/deployment/export_onnx.py',
        clip_len=str(clip_len),
        width=str(w),
        height=str(h),
        **(metadata or {}))
    for key, value in props.items():
        entry = graph.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(graph, out)
    return wrapper


def verify(wrapper, path, seed=0):
    """Largest absolute differences ONNX Runtime - PyTorch on one random
    clip, per output."""
    from mmvb.apis import ONNXClipBackend
    rng = np.random.default_rng(seed)
    clip = rng.integers(0, 256, wrapper.input_shape).astype(np.float32)
    with torch.no_grad():
        ref = wrapper(torch.from_numpy(clip))
    backend = ONNXClipBackend(path)
    outs = backend.session.run(
        list(wrapper.output_names), {backend.input_name: clip})
    return {
        name: float(np.abs(o - r.numpy()).max())
        for name, o, r in zip(wrapper.output_names, outs, ref)
    }


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    cfg, model = init_instblink(args.config, args.checkpoint, args.official)
    size = tuple(args.input_size) if args.input_size else \
        instblink_test_size(cfg)
    if size is None:
        sys.exit('the config has no test Resize: give --input-size W H')
    wrapper = export(
        model,
        args.clip_len,
        size,
        args.out,
        args.opset,
        metadata=dict(
            config=osp.basename(args.config),
            checkpoint=osp.basename(args.checkpoint or 'random weights')))
    print(f'{args.out}: clips of {args.clip_len} frames of {size[0]}x'
          f'{size[1]}, input {wrapper.input_shape}')
    if args.verify:
        diffs = verify(wrapper, args.out, args.seed)
        print('max |onnxruntime - pytorch|: ' +
              ', '.join(f'{k} {v:.3g}' for k, v in diffs.items()))


if __name__ == '__main__':
    main()
