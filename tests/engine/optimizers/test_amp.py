# Copyright (c) mmvb contributors. All rights reserved.
import pytest
from mmengine.config import Config

from mmvb.engine import apply_amp


def _cfg(**optim_wrapper):
    return Config(
        dict(
            optim_wrapper=dict(
                optimizer=dict(type='SGD', lr=0.1), **optim_wrapper)))


def test_cpu_gets_bf16_autocast():
    cfg = apply_amp(_cfg(), cuda=False)
    assert cfg.optim_wrapper.type == 'AutocastOptimWrapper'
    assert cfg.optim_wrapper.dtype == 'bfloat16'
    assert 'loss_scale' not in cfg.optim_wrapper
    # The config's dtype is kept unless one is passed.
    cfg = apply_amp(_cfg(dtype='float16'), cuda=False)
    assert cfg.optim_wrapper.dtype == 'float16'
    assert apply_amp(
        _cfg(dtype='float16'), dtype='bfloat16',
        cuda=False).optim_wrapper.dtype == 'bfloat16'


def test_cuda_gets_mmengine_amp_wrapper():
    cfg = apply_amp(_cfg(clip_grad=dict(max_norm=1.0)), cuda=True)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert 'dtype' not in cfg.optim_wrapper  # mmengine's default (fp16)
    assert cfg.optim_wrapper.clip_grad == dict(max_norm=1.0)
    cfg = apply_amp(_cfg(loss_scale=512.0), dtype='bfloat16', cuda=True)
    assert cfg.optim_wrapper.loss_scale == 512.0
    assert cfg.optim_wrapper.dtype == 'bfloat16'
    # An AutocastOptimWrapper config moves to the CUDA wrapper cleanly.
    cfg = apply_amp(
        _cfg(type='AutocastOptimWrapper', device_type='cpu'), cuda=True)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert 'device_type' not in cfg.optim_wrapper


def test_custom_wrapper_is_refused():
    with pytest.raises(ValueError, match='PCGradOptimWrapper'):
        apply_amp(_cfg(type='PCGradOptimWrapper'), cuda=False)
