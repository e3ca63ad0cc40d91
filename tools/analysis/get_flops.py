# Copyright (c) mmvb contributors. All rights reserved.
"""Parameters and FLOPs of a config's model (mmengine's counter).

Example (TSM-R50, 8 segments of 224x224)::

    python tools/analysis/get_flops.py \
        configs/w3/<config>.py --shape 1 8 3 224 224

``--shape`` is the full input in the layout after the data preprocessor,
batch included. mmengine counts a fused multiply-add as one FLOP (as
fvcore and most video papers do). ``--counting`` picks the operators that
count (see :func:`mmvb.apis.model_complexity`): ``mmengine`` (default),
``layers`` (convolutions and linear layers only, thop-style) or
``layers+attention`` (plus the attention matrix products). DATAR vs AST at
128 x 1024 (configs/datar/README.md)::

    python tools/analysis/get_flops.py \
        configs/datar/datar_in1k-pretrained-dat-b_8xb12-50e_vggsound-audio.py \
        --shape 1 1 1 128 1024 --counting layers
"""
import argparse
import json

from mmengine.config import Config, DictAction

from mmvb.apis import build_model_from_cfg, model_complexity
from mmvb.apis.complexity import COUNTINGS


def parse_args():
    parser = argparse.ArgumentParser(description='Get model params/FLOPs')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        required=True,
        help='input shape after the data preprocessor, batch included')
    parser.add_argument(
        '--stage',
        default='head',
        choices=['backbone', 'neck', 'head'],
        help='recognizers: count up to this stage (default: head)')
    parser.add_argument(
        '--counting',
        default='mmengine',
        choices=COUNTINGS,
        help='which operators count (default: mmengine)')
    parser.add_argument(
        '--show-table', action='store_true', help='per-module table')
    parser.add_argument('--out', help='also write the result as JSON here')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    model = build_model_from_cfg(cfg)
    result = model_complexity(
        model,
        args.shape,
        stage=args.stage,
        show_table=args.show_table,
        counting=args.counting)
    if args.show_table:
        print(result.pop('table'))
    split = '=' * 40
    print(f'{split}\nConfig: {args.config}\nInput shape: {tuple(args.shape)}'
          f'\nFlops: {result["flops"] / 1e9:.3f} G (multiply-adds, '
          f'counting: {args.counting})'
          f'\nParams: {result["params"] / 1e6:.3f} M\n{split}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(
                dict(
                    config=args.config,
                    shape=list(args.shape),
                    stage=args.stage,
                    counting=args.counting,
                    flops=result['flops'],
                    params=result['params']),
                f,
                indent=2)


if __name__ == '__main__':
    main()
