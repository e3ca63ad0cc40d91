# Copyright (c) mmvb contributors. All rights reserved.
"""Convert an official InstBlink or TeViT R50 checkpoint for mmvb.

Examples::

    CONFIG=configs/instblink/instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py
    # TeViT R50 (YouTube-VIS 2019), the initialisation of the paper configs
    # (their `load_from`); from the README of hustvl/TeViT:
    # https://github.com/hustvl/Storage/releases/download/v1.1.0/tevit_r50.pth
    python tools/convert/instblink_to_mmvb.py checkpoints/tevit_r50.pth \
        checkpoints/tevit_r50_mmvb.pth --config $CONFIG
    # the released instblink_r50.pth (keys `mask_head` = blink head)
    python tools/convert/instblink_to_mmvb.py instblink_r50.pth \
        work_dirs/instblink_r50_mmvb.pth --config $CONFIG

With ``--config`` the checkpoint is checked against the config's model: the
keys it drops (TeViT's mask heads and extra stages, 100-query proposals,
40-class classifiers) are listed, and a checkpoint that does not fit (a
backbone of another depth, not a TeViT / InstBlink file) is refused with the
mismatching keys. The output loads with ``load_from`` or ``tools/test.py``.
"""
import argparse
import sys

import torch
from mmengine.config import Config
from mmengine.logging import print_log

from mmvb.apis import build_model_from_cfg
from mmvb.models import convert_official_instblink


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='official checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--config', help='mmvb config of the target model (checks the keys)')
    parser.add_argument(
        '--blink-head',
        default='official',
        choices=['official', 'mlp', 'none'],
        help='blink head of the target model (ignored with --config)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    ckpt = torch.load(args.src, map_location='cpu', weights_only=False)
    if not isinstance(ckpt, dict):
        sys.exit(f'{args.src}: not a checkpoint (a {type(ckpt).__name__}, '
                 'expected a dict of tensors)')
    state = ckpt.get('state_dict', ckpt)
    blink = None if args.blink_head == 'none' else args.blink_head
    reference = None
    if args.config:
        cfg = Config.fromfile(args.config)
        blink = cfg.model.head.get('blink_head_type', 'official')
        reference = build_model_from_cfg(cfg).state_dict()
    try:
        converted, dropped = convert_official_instblink(
            state, blink, reference)
    except ValueError as err:
        sys.exit(f'{args.src}: {err}')
    print_log(
        f'{args.src}: converted {len(converted)} keys, dropped '
        f'{len(dropped)}' + (f', e.g. {dropped[:5]}' if dropped else ''),
        logger='current')
    if reference is not None:
        missing = sorted(set(reference) - set(converted))
        if missing:
            print_log(
                f'{len(missing)} model keys keep their initialisation: '
                f'{missing}',
                logger='current')
    torch.save(dict(state_dict=converted, meta=ckpt.get('meta', {})), args.dst)


if __name__ == '__main__':
    main()
