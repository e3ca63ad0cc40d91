# Copyright (c) mmvb contributors. All rights reserved.
"""Train configs' recognizers side by side on the synthetic where/when set.

For each seed, every config's model (built from the config, ``init_weights``
from the same seed) is trained for ``--iters`` steps of ``--batch-size``
clips drawn fresh from :func:`mmvb.datasets.synthetic.render_clutter_clip`
(no clip is seen twice, so the comparison measures how fast each model
learns, not how it memorises), through the model's own data preprocessor
and loss, with the config's optimizer wrapper (AdamW, gradient clipping)
and its schedule squeezed into the steps (linear warm-up over the first
10 %, then cosine to 0); then it is evaluated on ``--num-val`` held-out
clips of the seed (and, with ``--eval-clip-cfgs``, on held-out clips of other
variants of the set: clutter shifted from training). Prints one row per
seed and the mean; ``--out`` writes JSON (with every step's training loss).

Example (the W3-vs-TSM table of configs/w3/README.md)::

    python tools/analysis/w3_vs_tsm_synthetic.py \
        configs/w3/tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py \
        configs/w3/w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py \
        --seeds 0 1 2 --iters 150
"""
import argparse
import json
import math
import os.path as osp
import time
from typing import Optional

import numpy as np
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from mmvb.datasets.synthetic import CLUTTER_CLASSES, render_clutter_clip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--iters', type=int, default=150)
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--num-val', type=int, default=200)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--clip-cfg',
        type=json.loads,
        default={},
        help='JSON keyword arguments of render_clutter_clip (harder '
        'variants), e.g. \'{"num_distractors": 10, "visible_frames": 3}\'')
    parser.add_argument(
        '--eval-clip-cfgs',
        type=json.loads,
        default={},
        help='JSON dict name -> keyword arguments of render_clutter_clip: '
        'the trained models are also evaluated on held-out clips of each '
        '(clutter shifted from training), e.g. \'{"cross": '
        '{"distractor_shape": "cross"}}\'')
    parser.add_argument(
        '--cfg-options',
        type=json.loads,
        default={},
        help='JSON dict merged into every config (mmengine '
        '``merge_from_dict`` keys), e.g. \'{"model.backbone.with_afr": '
        'false}\'')
    parser.add_argument('--out', help='write the results as JSON here')
    return parser.parse_args()


def make_batch(rng: np.random.Generator,
               labels,
               num_frames: int,
               clip_cfg: Optional[dict] = None) -> dict:
    """Data in the layout a data preprocessor takes: uint8 ``[T, 3, H, W]``
    clips and their labelled data samples."""
    inputs, samples = [], []
    for label in labels:
        clip = render_clutter_clip(
            int(label), rng, num_frames, **(clip_cfg or {}))
        inputs.append(torch.from_numpy(clip).permute(0, 3, 1, 2).contiguous())
        samples.append(ActionDataSample().set_gt_label(int(label)))
    return dict(inputs=inputs, data_samples=samples)


def lr_factor(step: int, total: int) -> float:
    """Linear warm-up from 0.1 over 10 % of the steps, then cosine to 0."""
    warm = max(1, total // 10)
    if step < warm:
        return 0.1 + 0.9 * step / warm
    return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))


def train_and_evaluate(cfg: Config, seed: int, args) -> dict:
    num_frames = cfg.model.cls_head.num_segments
    num_classes = len(CLUTTER_CLASSES)
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lrs = [g['lr'] for g in optim_wrapper.param_groups]
    rng = np.random.default_rng([seed, 1])
    label_rng = np.random.default_rng([seed, 2])
    model.train()
    start = time.process_time()
    losses = []
    for step in range(args.iters):
        for group, lr in zip(optim_wrapper.param_groups, base_lrs):
            group['lr'] = lr * lr_factor(step, args.iters)
        labels = label_rng.integers(num_classes, size=args.batch_size)
        data = model.data_preprocessor(
            make_batch(rng, labels, num_frames, args.clip_cfg), training=True)
        loss, _ = model.parse_losses(model(**data, mode='loss'))
        optim_wrapper.update_params(loss)
        losses.append(float(loss.detach()))
    train_s = time.process_time() - start
    model.eval()
    shifted = {
        name: evaluate(model, seed, num_frames, clip_cfg, args)
        for name, clip_cfg in args.eval_clip_cfgs.items()
    }
    return dict(
        top1=evaluate(model, seed, num_frames, args.clip_cfg, args),
        shifted_top1=shifted,
        final_loss=float(np.mean(losses[-10:])),
        train_cpu_s=train_s,
        losses=losses)


def evaluate(model, seed: int, num_frames: int, clip_cfg: dict, args) -> float:
    """Top-1 of ``model`` on ``args.num_val`` held-out clips rendered with
    ``clip_cfg``, drawn from the seed's own validation stream (the same
    labels for every ``clip_cfg``)."""
    val_rng = np.random.default_rng([seed, 3])
    labels = np.arange(args.num_val) % len(CLUTTER_CLASSES)
    correct = 0
    with torch.no_grad():
        for i in range(0, args.num_val, args.batch_size):
            chunk = labels[i:i + args.batch_size]
            data = model.data_preprocessor(
                make_batch(val_rng, chunk, num_frames, clip_cfg),
                training=False)
            preds = model(**data, mode='predict')
            correct += sum(
                int(p.pred_score.argmax()) == int(y)
                for p, y in zip(preds, chunk))
    return correct / args.num_val


def print_rows(results: dict, seeds, top1) -> None:
    """One row per config: ``top1(result)`` of each seed, then the mean."""
    for name, per_seed in results.items():
        accs = [top1(per_seed[s]) for s in seeds]
        print(f'{name[:60]:60s} ' + ' '.join(f'{a:8.3f}' for a in accs) +
              f' {np.mean(accs):6.3f}')


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    init_default_scope('mmaction')
    # the current logger: quiet weight-initialisation reports
    MMLogger.get_instance('w3_vs_tsm_synthetic', log_level='WARNING')
    cfgs = {
        osp.splitext(osp.basename(c))[0]: Config.fromfile(c)
        for c in args.configs
    }
    for cfg in cfgs.values():
        cfg.merge_from_dict(args.cfg_options)
    results = {name: {} for name in cfgs}
    for seed in args.seeds:
        for name, cfg in cfgs.items():
            res = train_and_evaluate(cfg, seed, args)
            results[name][seed] = res
            print(
                f'seed {seed} {name}: top-1 {res["top1"]:.3f}, last loss '
                f'{res["final_loss"]:.3f}, {res["train_cpu_s"]:.1f} s CPU',
                flush=True)
    print(f'{"config":60s} ' + ' '.join(f'seed {s:<3d}'
                                        for s in args.seeds) + '   mean')
    print_rows(results, args.seeds, lambda res: res['top1'])
    for variant, clip_cfg in args.eval_clip_cfgs.items():
        print(f'held-out clips of {variant!r} ({json.dumps(clip_cfg)}):')
        print_rows(results, args.seeds,
                   lambda res: res['shifted_top1'][variant])
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(args=vars(args), results=results), f, indent=2)


if __name__ == '__main__':
    main()
