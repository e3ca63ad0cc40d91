# Copyright (c) mmvb contributors. All rights reserved.
"""Generate a synthetic dataset in real file formats.

Examples::

    python tools/data/synthetic/generate.py motion data/synthetic/motion
    python tools/data/synthetic/generate.py motion data/synthetic/motion \
        --num-train 480 --set num_frames=16 size=48 "formats=('videos',)"

Run with ``--list`` to see the generators and their options.
"""
import argparse
import ast
import inspect
import json

from mmvb.datasets.synthetic import GENERATORS


def parse_value(text: str):
    """``'16'`` -> 16, ``"('a',)"`` -> ('a',), other text stays a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('kind', nargs='?', help='generator name')
    parser.add_argument('out_dir', nargs='?', help='output folder')
    parser.add_argument('--num-train', type=int, help='training samples')
    parser.add_argument('--num-val', type=int, help='validation samples')
    parser.add_argument('--seed', type=int, help='dataset seed')
    parser.add_argument(
        '--set',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='other generator arguments (Python literals)')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide the progress bar')
    parser.add_argument(
        '--list', action='store_true', help='list generators and exit')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.list or args.kind is None:
        for name, fn in GENERATORS.items():
            print(f'{name}{inspect.signature(fn)}')
        return
    if args.kind not in GENERATORS:
        raise SystemExit(f'unknown generator {args.kind!r}; choose from '
                         f'{sorted(GENERATORS)}')
    if args.out_dir is None:
        raise SystemExit('give the output folder after the generator name')
    fn = GENERATORS[args.kind]
    params = inspect.signature(fn).parameters
    kwargs = {}
    for name in ('num_train', 'num_val', 'seed'):
        value = getattr(args, name)
        if value is not None:
            kwargs[name] = value
    for item in args.set:
        key, sep, value = item.partition('=')
        if not sep:
            raise SystemExit(f'--set expects KEY=VALUE, got {item!r}')
        kwargs[key] = parse_value(value)
    unknown = set(kwargs) - set(params)
    if unknown:
        raise SystemExit(f'{args.kind} does not take {sorted(unknown)}; it '
                         f'takes {list(params)[1:]}')
    if 'progress' in params:
        kwargs['progress'] = not args.no_progress
    result = fn(args.out_dir, **kwargs)
    print(json.dumps(result, indent=2, default=str))


if __name__ == '__main__':
    main()
