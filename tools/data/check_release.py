# Copyright (c) mmvb contributors. All rights reserved.
"""Check a downloaded dataset release before a long training run.

Examples::

    python tools/data/check_release.py sthv1 data/sthv1
    python tools/data/check_release.py vggsound data/vggsound \\
        --allow-missing-media
    python tools/data/check_release.py --list

Reads the annotation files as the converters do (a malformed row is reported
with its file, line and column), counts the items of every split against the
published numbers, and lists missing or unreadable videos, audio files and
frames with the annotation line that needs them. The exit status is 1 when
anything is wrong. The specs (layout, counts, sources) are in
:mod:`mmvb.datasets.releases`.
"""
import argparse
import sys

from mmvb.datasets.releases import (METHOD_DATASETS, RELEASES, CheckOptions,
                                    check_release)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'dataset', nargs='?', choices=list(RELEASES), help='dataset name')
    parser.add_argument('root', nargs='?', help='the release folder')
    parser.add_argument(
        '--list',
        action='store_true',
        help='list the datasets with their layout and published counts')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='check that media exist without decoding them')
    parser.add_argument(
        '--allow-missing-media',
        action='store_true',
        help='report missing media as notes (YouTube-sourced sets)')
    parser.add_argument(
        '--expect',
        nargs='+',
        default=[],
        metavar='SPLIT=N',
        help='override a published count (a subset, another version)')
    parser.add_argument(
        '--max-print', type=int, default=100, help='problems printed')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args(argv)
    if not args.list and (args.dataset is None or args.root is None):
        parser.error('DATASET and ROOT are required (or --list)')
    return args


def list_datasets() -> str:
    lines = []
    for method, names in METHOD_DATASETS.items():
        lines.append(f'# {method}')
        for name in names:
            lines += describe(name)
    return '\n'.join(lines)


def describe(name: str) -> list:
    spec = RELEASES[name]
    lines = [f'{spec.name}: {spec.title} ({spec.url})']
    lines += [f'    {row}' for row in spec.layout.splitlines()]
    for split, count in spec.counts.items():
        if count.expected is not None:
            lines.append(f'    {split}: {count.expected} {count.unit} '
                         f'({count.source})')
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.list:
        print(list_datasets())
        return 0
    expected = {}
    for item in args.expect:
        split, _, number = item.rpartition('=')
        if not split or not number.isdigit():
            raise SystemExit(f'--expect takes SPLIT=N, got {item!r}')
        expected[split] = int(number)
    options = CheckOptions(
        decode=not args.quick,
        progress=not args.no_progress,
        allow_missing_media=args.allow_missing_media,
        expected=expected)
    report = check_release(args.dataset, args.root, options)
    print(report.format(args.max_print))
    return 0 if report.ok else 1


if __name__ == '__main__':
    sys.exit(main())
