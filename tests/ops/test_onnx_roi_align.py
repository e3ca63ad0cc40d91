# Copyright (c) mmvb contributors. All rights reserved.
import io
import warnings

import numpy as np
import pytest
import torch

from mmvb.ops import map_rois_to_levels, multi_level_roi_align_onnx, roi_align
from mmvb.ops.onnx_roi_align import ONNX_OPSET


def _inputs(seed=0):
    g = torch.Generator().manual_seed(seed)
    strides = (4, 8, 16, 32)
    feats = [torch.randn(2, 3, 64 // s, 96 // s, generator=g) for s in strides]
    # boxes of every level (scale 56 * 2^l), some past the border
    centre = torch.rand(40, 2, generator=g) * torch.tensor([110.0, 80.0])
    size = torch.rand(40, 2, generator=g) * 600 + 2
    boxes = torch.cat([centre - size / 2, centre + size / 2], 1)
    batch = torch.randint(0, 2, (40, ), generator=g)
    return feats, boxes, batch, strides


def test_each_box_is_pooled_on_its_level():
    feats, boxes, batch, strides = _inputs()
    out = multi_level_roi_align_onnx(feats, boxes, batch, strides, 7, 2)
    levels = map_rois_to_levels(boxes, 4)
    assert set(levels.tolist()) == {0, 1, 2, 3}
    rois = torch.cat([batch[:, None].float(), boxes], 1)
    for k in range(len(boxes)):
        level = int(levels[k])
        want = roi_align(feats[level], rois[k:k + 1], 7, 1.0 / strides[level],
                         2, True)
        assert torch.equal(out[k:k + 1], want)


def test_exports_to_onnx_roialign_and_runs_in_onnxruntime():
    onnx = pytest.importorskip('onnx')
    ort = pytest.importorskip('onnxruntime')
    feats, boxes, batch, strides = _inputs(1)

    class Pool(torch.nn.Module):

        def forward(self, f0, f1, f2, f3, boxes, batch):
            return multi_level_roi_align_onnx([f0, f1, f2, f3], boxes, batch,
                                              strides, 7, 2)

    args = (*feats, boxes, batch)
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(
            Pool(), args, f, dynamo=False, opset_version=ONNX_OPSET)
    graph = onnx.load_from_string(f.getvalue())
    ops = [n.op_type for n in graph.graph.node]
    assert ops.count('RoiAlign') == 4 and 'NonZero' not in ops
    session = ort.InferenceSession(
        f.getvalue(), providers=['CPUExecutionProvider'])
    names = [i.name for i in session.get_inputs()]
    (got, ) = session.run(None, {n: a.numpy() for n, a in zip(names, args)})
    want = multi_level_roi_align_onnx(feats, boxes, batch, strides, 7, 2)
    # the runtime's RoiAlign kernel: the same samples, float32 rounding
    np.testing.assert_allclose(got, want.numpy(), rtol=0, atol=1e-5)
