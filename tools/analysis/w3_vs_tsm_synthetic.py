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

``--pretrain-iters N`` first trains the model of ``--pretrain-config`` (by
default the first config) for ``N`` steps on ``--pretrain-clip-cfg`` clips
(random streams of their own) and starts every config's model from those
weights: layers the pretrained model lacks (W3's attention and refinement
when it is TSM) keep their initialisation from the seed, as when W3 is
inserted into an ImageNet-initialised TSM. ``--gate-localisation`` reports,
for each W3 attention module, the spatial mask ``M^s`` of the trained model
averaged over the feature cells that hold the target, a distractor or only
background on the held-out clips, and how often the frame's highest cell
holds the target.

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
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from torch import nn

from mmvb.datasets.synthetic import CLUTTER_CLASSES, render_clutter_clip
from mmvb.models.layers import collect_attention_maps


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
    parser.add_argument(
        '--pretrain-iters',
        type=int,
        default=0,
        help='train the first config for this many steps first and start '
        'every config from its weights (0: every model from scratch)')
    parser.add_argument(
        '--pretrain-config',
        help='config of the pretrained model (default: the first config; '
        '--cfg-options do not apply to it)')
    parser.add_argument(
        '--pretrain-clip-cfg',
        type=json.loads,
        default={},
        help='JSON keyword arguments of render_clutter_clip for the '
        'pretraining steps (default: the base set)')
    parser.add_argument(
        '--gate-localisation',
        action='store_true',
        help='report where the trained W3 spatial masks are high')
    parser.add_argument('--out', help='write the results as JSON here')
    return parser.parse_args()


def make_batch(rng: np.random.Generator,
               labels,
               num_frames: int,
               clip_cfg: Optional[dict] = None,
               masks: Optional[list] = None) -> dict:
    """Data in the layout a data preprocessor takes: uint8 ``[T, 3, H, W]``
    clips and their labelled data samples. If ``masks`` is a list, each
    clip's ``[T, H, W]`` pixel labels (0 background, 1 distractor, 2 target)
    are appended to it."""
    inputs, samples = [], []
    for label in labels:
        clip = render_clutter_clip(
            int(label),
            rng,
            num_frames,
            return_masks=masks is not None,
            **(clip_cfg or {}))
        if masks is not None:
            clip, mask = clip
            masks.append(mask)
        inputs.append(torch.from_numpy(clip).permute(0, 3, 1, 2).contiguous())
        samples.append(ActionDataSample().set_gt_label(int(label)))
    return dict(inputs=inputs, data_samples=samples)


def lr_factor(step: int, total: int) -> float:
    """Linear warm-up from 0.1 over 10 % of the steps, then cosine to 0."""
    warm = max(1, total // 10)
    if step < warm:
        return 0.1 + 0.9 * step / warm
    return 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))


def build(cfg: Config,
          seed: int,
          init_state: Optional[dict] = None) -> Tuple[nn.Module, List[str]]:
    """The config's model, ``init_weights`` from ``seed``, then (if given)
    the weights of ``init_state``; returns the model and the keys that
    ``init_state`` lacks (left as initialised)."""
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    if init_state is None:
        return model, []
    missing, unexpected = model.load_state_dict(init_state, strict=False)
    if unexpected:
        raise ValueError(
            f'the pretrained model has weights that {cfg.filename} lacks: '
            f'{unexpected[:5]}; pretrain a config without the extra layers '
            '(--pretrain-config)')
    return model, missing


def train(model: nn.Module, cfg: Config, iters: int, clip_cfg: dict,
          streams: Tuple[list, list], args) -> Tuple[List[float], float]:
    """``iters`` steps of the config's optimizer (schedule of
    :func:`lr_factor`) on fresh clips of ``clip_cfg`` drawn from the random
    streams ``(clips, labels)``; returns the per-step losses and the CPU
    seconds. Leaves the model in eval mode."""
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lrs = [g['lr'] for g in optim_wrapper.param_groups]
    rng, label_rng = (np.random.default_rng(s) for s in streams)
    num_frames = cfg.model.cls_head.num_segments
    model.train()
    start = time.process_time()
    losses = []
    for step in range(iters):
        for group, lr in zip(optim_wrapper.param_groups, base_lrs):
            group['lr'] = lr * lr_factor(step, iters)
        labels = label_rng.integers(len(CLUTTER_CLASSES), size=args.batch_size)
        data = model.data_preprocessor(
            make_batch(rng, labels, num_frames, clip_cfg), training=True)
        loss, _ = model.parse_losses(model(**data, mode='loss'))
        optim_wrapper.update_params(loss)
        losses.append(float(loss.detach()))
    model.eval()
    return losses, time.process_time() - start


def train_and_evaluate(cfg: Config,
                       seed: int,
                       args,
                       init_state: Optional[dict] = None) -> dict:
    num_frames = cfg.model.cls_head.num_segments
    model, fresh = build(cfg, seed, init_state)
    losses, train_s = train(model, cfg, args.iters, args.clip_cfg,
                            ([seed, 1], [seed, 2]), args)
    shifted = {
        name: evaluate(model, seed, num_frames, clip_cfg, args)
        for name, clip_cfg in args.eval_clip_cfgs.items()
    }
    res = dict(
        top1=evaluate(model, seed, num_frames, args.clip_cfg, args),
        shifted_top1=shifted,
        final_loss=float(np.mean(losses[-10:])),
        train_cpu_s=train_s,
        losses=losses,
        num_fresh_weights=len(fresh))
    if args.gate_localisation:
        res['gates'] = gate_localisation(model, seed, num_frames, args)
    return res


def pretrain(cfg: Config, seed: int, args) -> dict:
    """The weights of ``cfg``'s model after ``args.pretrain_iters`` steps on
    ``args.pretrain_clip_cfg`` clips (streams of their own)."""
    model, _ = build(cfg, seed)
    losses, cpu_s = train(model, cfg, args.pretrain_iters,
                          args.pretrain_clip_cfg, ([seed, 4], [seed, 5]), args)
    print(
        f'seed {seed} pretrained {osp.basename(cfg.filename)}: last loss '
        f'{np.mean(losses[-10:]):.3f}, {cpu_s:.1f} s CPU',
        flush=True)
    return model.state_dict()


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


def gate_localisation(model: nn.Module, seed: int, num_frames: int,
                      args) -> Dict[str, dict]:
    """:func:`cell_stats` of the spatial mask (W3's ``M^s``) that each
    attention module of the backbone records, on the held-out clips of
    :func:`evaluate`."""
    names = {
        module: name
        for name, module in getattr(model.backbone, 'attention_modules', list)
        ()
    }
    masks, maps = [], {}
    val_rng = np.random.default_rng([seed, 3])
    labels = np.arange(args.num_val) % len(CLUTTER_CLASSES)
    with torch.no_grad():
        for i in range(0, args.num_val, args.batch_size):
            data = model.data_preprocessor(
                make_batch(val_rng, labels[i:i + args.batch_size], num_frames,
                           args.clip_cfg, masks),
                training=False)
            with collect_attention_maps() as recorded:
                model(**data, mode='predict')
            for module, mask in recorded:
                maps.setdefault(names[module], []).append(mask[:, 0])
    pixels = torch.from_numpy(np.concatenate(masks))
    return {
        name: cell_stats(torch.cat(chunks), pixels)
        for name, chunks in maps.items()
    }


def cell_stats(ms: torch.Tensor, pixels: torch.Tensor) -> dict:
    """Where a spatial mask is high, by what its cells hold.

    Args:
        ms (torch.Tensor): ``[N * T, h, w]`` mask values.
        pixels (torch.Tensor): ``[N * T, H, W]`` pixel labels (0 background,
            1 distractor, 2 target), ``H`` and ``W`` multiples of ``h``, ``w``
            by the same factor.

    Returns:
        dict: Mean of ``ms`` over ``target`` cells (any target pixel),
        ``distractor`` cells (distractor pixels, no target) and
        ``background`` cells (``None`` where there is no such cell);
        ``top_cell_target``, the share of frames with a target cell whose
        highest cell is one, and its chance level ``top_cell_chance`` (the
        mean share of target cells in those frames).
    """
    k = pixels.size(-1) // ms.size(-1)

    def cells(label):
        return F.max_pool2d((pixels == label).float()[:, None], k)[:, 0] > 0

    target = cells(2)
    distractor = cells(1) & ~target
    kinds = dict(
        target=target, distractor=distractor, background=~target & ~distractor)
    res = {
        kind: float(ms[where].mean()) if where.any() else None
        for kind, where in kinds.items()
    }
    target = target.flatten(1)
    shown = target.any(1)
    top = ms.flatten(1).argmax(1, keepdim=True)
    res['top_cell_target'] = float(
        target.gather(1, top)[shown, 0].float().mean())
    res['top_cell_chance'] = float(target[shown].float().mean())
    return res


def print_gates(gates: Dict[str, dict]) -> None:
    """One line per attention module of :func:`gate_localisation`."""

    def fmt(v):
        return '   -  ' if v is None else f'{v:6.3f}'

    for name, g in gates.items():
        print(f'  {name:24s} M^s target {fmt(g["target"])} distractor '
              f'{fmt(g["distractor"])} background {fmt(g["background"])}; '
              f'top cell holds the target {100 * g["top_cell_target"]:5.1f} '
              f'% (chance {100 * g["top_cell_chance"]:5.1f} %)')


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
    pretrain_cfg = (
        Config.fromfile(args.pretrain_config)
        if args.pretrain_config else next(iter(cfgs.values())))
    results = {name: {} for name in cfgs}
    for seed in args.seeds:
        state = (
            pretrain(pretrain_cfg, seed, args)
            if args.pretrain_iters > 0 else None)
        for name, cfg in cfgs.items():
            res = train_and_evaluate(cfg, seed, args, state)
            results[name][seed] = res
            print(
                f'seed {seed} {name}: top-1 {res["top1"]:.3f}, last loss '
                f'{res["final_loss"]:.3f}, {res["train_cpu_s"]:.1f} s CPU' +
                (f', {res["num_fresh_weights"]} tensors not pretrained'
                 if state is not None else ''),
                flush=True)
            if 'gates' in res:
                print_gates(res['gates'])
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
