# Copyright (c) mmvb contributors. All rights reserved.
"""Attention gates, branch scales and gradient norms at initialisation.

For each config (a recognizer on the synthetic clutter set, e.g. the TSM and
W3 configs of ``configs/w3``), builds the model with ``init_weights`` from
``--seed``, runs one training batch of ``--batch-size`` clips of
:func:`mmvb.datasets.synthetic.render_clutter_clip` and reports, per
attention module of the backbone (``attention_modules()``): the mean of the
channel mask ``M^c`` and its spread over channels (std of the per-channel
means), the mean and std of the spatial mask ``M^s`` (modules that have
``channel_attention`` / ``spatial_attention``, i.e. W3), and the rms ratio of
the module's output to its input (how much of the residual branch passes);
then the gradient norm of the loss per backbone stage, of the attention /
refinement layers and of the head.

Example (the table "at initialisation" of configs/w3/README.md)::

    python tools/analysis/w3_init_stats.py \\
        configs/w3/tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py \\
        configs/w3/w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py \\
        --cfg-options '{"model.backbone.attention_cfg.gate_bias": 2.0}'

``--cfg-options`` applies to the configs after the first (the baseline).
"""
import argparse
import json
import logging
import os.path as osp

import numpy as np
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.logging import MMLogger, print_log
from mmengine.registry import init_default_scope

from mmvb.datasets.synthetic import CLUTTER_CLASSES, render_clutter_clip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--clip-cfg',
        type=json.loads,
        default={},
        help='JSON keyword arguments of render_clutter_clip')
    parser.add_argument(
        '--cfg-options',
        type=json.loads,
        default={},
        help='JSON dict merged into every config but the first')
    return parser.parse_args()


def batch(model, seed: int, size: int, num_frames: int, clip_cfg: dict):
    rng = np.random.default_rng([seed, 1])
    labels = np.random.default_rng([seed, 2]).integers(
        len(CLUTTER_CLASSES), size=size)
    inputs = [
        torch.from_numpy(
            render_clutter_clip(int(y), rng, num_frames,
                                **clip_cfg)).permute(0, 3, 1, 2).contiguous()
        for y in labels
    ]
    samples = [ActionDataSample().set_gt_label(int(y)) for y in labels]
    return model.data_preprocessor(
        dict(inputs=inputs, data_samples=samples), training=True)


def gate_stats(module, x: torch.Tensor, out: torch.Tensor) -> str:
    ratio = (out.pow(2).mean() / x.pow(2).mean()).sqrt().item()
    text = ''
    if hasattr(module, 'channel_attention'):
        mc = module.channel_attention(x)
        text += (f'M^c mean {mc.mean():.3f} channel spread '
                 f'{mc.flatten(1).mean(0).std():.3f} | ')
        if getattr(module, 'with_spatial', False):
            ms = module.spatial_attention(x * mc)
            text += f'M^s mean {ms.mean():.3f} std {ms.std():.3f} | '
    return text + f'out/in rms {ratio:.3f}'


def report(name: str, cfg: Config, args) -> None:
    torch.manual_seed(args.seed)
    model = MODELS.build(cfg.model)
    logger = MMLogger.get_current_instance()
    logger.setLevel(logging.WARNING)  # no per-parameter init report
    model.init_weights()
    logger.setLevel(logging.INFO)
    model.train()
    data = batch(model, args.seed, args.batch_size,
                 cfg.model.cls_head.num_segments, args.clip_cfg)
    lines, hooks = [], []
    modules = getattr(model.backbone, 'attention_modules', list)()
    for mod_name, module in modules:

        def hook(mod, inputs, out, mod_name=mod_name):
            with torch.no_grad():
                lines.append(f'  {mod_name:24s} ' +
                             gate_stats(mod, inputs[0], out))

        hooks.append(module.register_forward_hook(hook))
    loss, _ = model.parse_losses(model(**data, mode='loss'))
    for h in hooks:
        h.remove()
    loss.backward()
    sq = {}
    for pname, p in model.named_parameters():
        if p.grad is None:
            continue
        parts = pname.split('.')
        if 'attention' in parts or 'afr' in parts:
            key = 'attention+afr'
        elif parts[0] == 'backbone':
            key = parts[1]
        else:
            key = parts[0]
        sq[key] = sq.get(key, 0.0) + p.grad.pow(2).sum().item()
    print_log(f'{name}: loss at init {loss.item():.3f}', 'current')
    for line in lines:
        print_log(line, 'current')
    print_log(
        '  grad norm: ' + ', '.join(f'{k} {v**0.5:.3f}'
                                    for k, v in sorted(sq.items())), 'current')


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    init_default_scope('mmaction')
    MMLogger.get_instance('w3_init_stats', log_level='INFO')
    for i, path in enumerate(args.configs):
        cfg = Config.fromfile(path)
        if i:
            cfg.merge_from_dict(args.cfg_options)
        report(osp.splitext(osp.basename(path))[0], cfg, args)


if __name__ == '__main__':
    main()
