# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import os.path as osp

import cv2
import numpy as np
import torch

from mmvb.datasets.audio_io import write_audio
from mmvb.datasets.synthetic import render_audio_event
from mmvb.models import DeformableAudioTransformer
from mmvb.testing import get_config_path
from mmvb.visualization import collect_sampling_points, plot_sampling_points

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_collect_points(tmp_path):
    model = DeformableAudioTransformer(
        dict(
            embed_dims=[16, 32, 64, 64],
            depths=[1, 1, 2, 2],
            num_heads=[1, 2, 2, 4],
            num_groups=[1, 1, 2, 2]),
        input_size=(64, 96),
        window_size=4,
        stage_specs=['L', 'S', 'LD', 'LD'])
    model.eval()
    records = collect_sampling_points(model, torch.randn(1, 1, 64, 96))
    names = [r['name'] for r in records]
    assert names == ['stages.2.1.attn', 'stages.3.1.attn']
    assert records[0]['positions'].shape == (2, 4, 6, 2)
    assert records[1]['reference'].shape == (2, 3, 2)
    # Offsets are bounded: s / n_G around the reference points.
    shift = (records[0]['positions'] - records[0]['reference']).abs()
    assert shift[..., 0].max() <= 2 / 4 + 1e-6
    out = plot_sampling_points(
        np.random.rand(64, 96), records, str(tmp_path / 'points.png'))
    assert osp.getsize(out) > 0


def test_tool_writes_an_image(tmp_path):
    wav = str(tmp_path / 'chirp.wav')
    write_audio(wav, render_audio_event(2, np.random.default_rng(0)), 16000)
    spec = importlib.util.spec_from_file_location(
        'vis_datar_sampling',
        osp.join(ROOT, 'tools/visualizations/vis_datar_sampling.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out = str(tmp_path / 'fig3.png')
    tool.main([
        get_config_path(
            'datar/datar_dat-tiny_1xb16-30e_synthetic-audio-events-audio.py'),
        '--audio', wav, '--out', out
    ])
    image = cv2.imread(out)
    assert image is not None and image.shape[0] > 200 and image.shape[1] > 600
    assert image.std() > 10  # not blank
