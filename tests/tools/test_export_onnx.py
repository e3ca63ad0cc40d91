# Copyright (c) mmvb contributors. All rights reserved.
"""ONNX export of InstBlink (tools/deployment/export_onnx.py) and the
ONNX Runtime backend of the streaming API."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch

from mmvb.apis import (InstBlinkResultCollector, InstBlinkStream,
                       ONNXClipBackend, init_instblink)

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(
    ROOT, 'configs', 'instblink',
    'instblink_r18-c16-fpn_1xb4-3x1x1-1400i_synthetic-blink-rgb.py')
T, W, H = 6, 96, 64


def _tool():
    spec = importlib.util.spec_from_file_location(
        'export_onnx', osp.join(ROOT, 'tools', 'deployment', 'export_onnx.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    """A random-weight tiny InstBlink exported for 6 frames of 96x64."""
    torch.manual_seed(0)
    _, model = init_instblink(CFG)
    with torch.no_grad():  # spread the blink probabilities
        model.head.stages[-1].fc_blink.weight.mul_(30)
    path = str(tmp_path_factory.mktemp('onnx') / 'tiny.onnx')
    _tool().export(model, T, (W, H), path)
    return model, path


def test_export_cli(tmp_path, capsys):
    out = str(tmp_path / 'cli.onnx')
    _tool().main(
        [CFG, '--out', out, '--clip-len', '4', '--input-size', '64', '32'])
    graph = onnx.load(out)
    meta = {p.key: p.value for p in graph.metadata_props}
    assert meta['clip_len'] == '4' and meta['width'] == '64'
    dims = [
        d.dim_value for d in graph.graph.input[0].type.tensor_type.shape.dim
    ]
    assert dims == [4, 3, 32, 64]
    ops = [n.op_type for n in graph.graph.node]
    # 4 levels x 2 stages, no data-dependent selection
    assert ops.count('RoiAlign') == 8 and 'NonZero' not in ops
    assert 'clips of 4 frames of 64x32' in capsys.readouterr().out


def test_onnxruntime_matches_pytorch(exported):
    model, path = exported
    backend = ONNXClipBackend(path, num_threads=1)
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 256, (T, H, W, 3), dtype=np.uint8)
    with torch.no_grad():
        want = model.predict_clip(
            torch.from_numpy(clip).permute(0, 3, 1, 2), (H, W), (0.5, 0.25))
    got = backend(clip, (0.5, 0.25))
    # max |difference| measured on 5 random clips (float32 in both, other
    # summation orders): scores, face_scores 8e-8; blink_scores 1.1e-5
    # (the blink head's weights are scaled by 30 here); boxes 1.7e-3 px
    # (frames of up to 384 px after the 0.25 rescale)
    for key, tol in (('scores', 1e-6), ('face_scores', 1e-6),
                     ('blink_scores', 1e-4), ('bboxes', 1e-2)):
        np.testing.assert_allclose(
            got[key], want[key].numpy(), rtol=0, atol=tol, err_msg=key)
    assert got['bboxes'].shape == (5, T, 4)


def test_wrong_clip_is_refused_with_both_shapes(exported):
    _, path = exported
    backend = ONNXClipBackend(path)
    with pytest.raises(ValueError) as e:
        backend(np.zeros((T, 32, 48, 3), np.uint8), (1.0, 1.0))
    assert f'(6, 3, {H}, {W})' in str(e.value)
    assert '(6, 3, 32, 48)' in str(e.value)
    with pytest.raises(ValueError, match=r'got \(8, 3, 64, 96\)'):
        InstBlinkStream(path, clip_len=8, stride=4, input_size=(W, H))
    with pytest.raises(ValueError, match=r'got \(6, 3, 360, 640\)'):
        InstBlinkStream(path, clip_len=T, stride=3)
    # a video shorter than the clip gives a shorter last clip
    stream = InstBlinkStream(path, clip_len=T, stride=3, input_size=None)
    stream.push(np.zeros((4, H, W, 3), np.uint8))
    with pytest.raises(ValueError, match=r'got \(4, 3, 64, 96\)'):
        stream.close()
    with pytest.raises(FileNotFoundError, match='no ONNX model at'):
        ONNXClipBackend(path + '.missing')


def test_stream_with_onnxruntime_matches_pytorch(exported):
    model, path = exported
    rng = np.random.default_rng(1)
    frames = rng.integers(0, 256, (40, H, W, 3), dtype=np.uint8)
    frames[:, 10:40, 20:50] = 255  # something to look at
    results = []
    for backend in (model, path):
        stream = InstBlinkStream(
            backend, clip_len=T, stride=3, input_size=None, score_thr=0.0)
        collector = InstBlinkResultCollector()
        for chunk in np.split(frames, 8):
            collector.update(stream.push(chunk))
        collector.update(stream.close())
        results.append(collector.results())
    torch_res, onnx_res = results
    assert len(torch_res) == len(onnx_res) > 0
    for a, b in zip(torch_res, onnx_res):
        assert [x is None for x in a['bboxes']] == \
            [x is None for x in b['bboxes']]
        for x, y in zip(a['bboxes'], b['bboxes']):
            if x is not None:
                np.testing.assert_allclose(x, y, atol=1e-2)
        # the tolerance of test_onnxruntime_matches_pytorch (float32 in
        # both, other summation orders: up to 1.1e-5 measured)
        np.testing.assert_allclose(
            a['blink_scores'], b['blink_scores'], atol=1e-4)
        assert [e[:2] for e in a['blinks_converted']] == \
            [e[:2] for e in b['blinks_converted']]
