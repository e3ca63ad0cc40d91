# Copyright (c) mmvb contributors. All rights reserved.
"""Convert an official InstBlink (or TeViT R50) checkpoint for mmvb.

Examples::

    CONFIG=$(ls configs/instblink/instblink_imagenet-*_mpeblink-rgb.py)
    # the released instblink_r50.pth (keys `mask_head` = blink head)
    python tools/convert/instblink_to_mmvb.py instblink_r50.pth \
        work_dirs/instblink_r50_mmvb.pth \
        --config $CONFIG
    # TeViT R50 (YouTube-VIS) as the initialisation the paper uses
    python tools/convert/instblink_to_mmvb.py tevit_r50.pth tevit_mmvb.pth \
        --config $CONFIG

With ``--config`` the keys the model lacks or holds with another shape are
dropped (and listed); the output loads with ``load_from`` or
``tools/test.py``.
"""
import argparse

import torch
from mmengine.config import Config

from mmvb.apis import build_model_from_cfg
from mmvb.models import convert_official_instblink


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='official checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--config', help='mmvb config of the target model (shape check)')
    parser.add_argument(
        '--blink-head',
        default='official',
        choices=['official', 'mlp', 'none'],
        help='blink head of the target model (ignored with --config)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    ckpt = torch.load(args.src, map_location='cpu', weights_only=False)
    state = ckpt.get('state_dict', ckpt)
    blink = None if args.blink_head == 'none' else args.blink_head
    reference = None
    if args.config:
        cfg = Config.fromfile(args.config)
        blink = cfg.model.head.get('blink_head_type', 'official')
        reference = build_model_from_cfg(cfg).state_dict()
    converted, dropped = convert_official_instblink(state, blink, reference)
    if reference is not None:
        missing = sorted(set(reference) - set(converted))
        if missing:
            print(f'{len(missing)} model keys not in the checkpoint, e.g. '
                  f'{missing[:5]}')
    print(f'converted {len(converted)} keys, dropped {len(dropped)}' +
          (f', e.g. {dropped[:5]}' if dropped else ''))
    torch.save(dict(state_dict=converted, meta=ckpt.get('meta', {})), args.dst)


if __name__ == '__main__':
    main()
