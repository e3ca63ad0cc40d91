# Copyright (c) mmvb contributors. All rights reserved.
"""Score a generated AVA set with ActivityNet's own scorer (test fixture).

Writes ``tests/data/ava_official/{head,exclusions}/``: a label map, a
ground-truth CSV, a detection CSV (and an excluded-timestamps CSV) and
``expected.json``, the per-class APs and mAP that
``Evaluation/get_ava_performance.py`` of activitynet/ActivityNet computes
on them. ``tests/evaluation/functional/test_ava_map.py`` checks that
``mmvb.evaluation.evaluate_ava_csv`` (``protocol='official'``) gives the
same numbers.

* ``head``: the scorer at commit 82304fa9f4a7219421df13dae6347a445c4cf5bc
  (``-l -g -d``). The set has frames with more than 50 detections,
  frames whose ground truth holds only classes missing from the label
  map, a ``video_id,timestamp`` row, detections on frames absent from the
  ground truth and inverted boxes.
* ``exclusions``: the scorer at eba0ec905d831802e131ecae6fea58d376da49dd,
  the last one with ``-e/--exclusions``; the same kind of set with an
  excluded-timestamps file and no detection outside the ground-truth
  frames (that version scores such detections as false positives, the
  later one ignores them; mmvb follows the later one).

The scorer is MIT-licensed; it runs unmodified from a checkout (its
``Evaluation/`` folder) in a separate Python whose numpy still has
``np.bool``/``np.float`` (numpy < 1.24), e.g.::

    git clone https://github.com/activitynet/ActivityNet anet
    git -C anet worktree add ../anet-e eba0ec905d831802e131ecae6fea58d376da49dd
    pip install --target /tmp/np123 numpy==1.23.5
    python tools/analysis/ava_official_fixture.py \\
        --head anet/Evaluation --exclusions anet-e/Evaluation \\
        --numpy /tmp/np123 --out tests/data/ava_official
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np

# runs in the scorer's Python: call run_evaluation, return its metrics
DRIVER = r'''
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/ava"]
import get_ava_performance as gap
captured = {}

class Capture:
    @staticmethod
    def pprint(obj, **kwargs):
        captured.update(obj)

    pformat = staticmethod(__import__("pprint").pformat)

gap.pprint = Capture
args = [open(p) for p in sys.argv[3:]]
gap.run_evaluation(*args)
with open(sys.argv[2], "w") as f:
    json.dump({k: (None if v != v else float(v))
               for k, v in captured.items()}, f, indent=1, sort_keys=True)
'''


def generate(rng, folder, with_exclusions):
    """Write a random set with the cases the scorer treats specially."""
    os.makedirs(folder, exist_ok=True)
    ids = [1, 2, 3, 5, 6]  # 4 and 7 appear in the data only
    with open(osp.join(folder, 'labels.pbtxt'), 'w') as f:
        for i in ids:
            f.write(f'item {{\n  name: "action {i}"\n  id: {i}\n}}\n')
    gt_rows, det_rows, frames = [], [], []
    # distinct scores over the whole set (ties are order-dependent)
    scores = iter(rng.permutation(1_000_000)[:200_000] / 1_000_000)
    for video in ('vidA', 'vidB'):
        for ts in range(902, 922):
            frames.append((video, ts))
    for n, (video, ts) in enumerate(frames):
        stamp = f'{video},{ts:04d}'
        if n == 3 and not with_exclusions:
            gt_rows.append(stamp)  # an empty key frame
            people = []
        elif n == 5:  # only classes outside the label map
            people = [(rng.uniform(0, 0.5, 2), [4, 7])]
        else:
            people = [(rng.uniform(0, 0.5, 2),
                       sorted(
                           rng.choice([1, 2, 3, 4, 5, 6, 7],
                                      rng.integers(1, 4),
                                      replace=False).tolist()))
                      for _ in range(rng.integers(1, 4))]
        boxes = []
        for xy, labels in people:
            box = np.r_[xy, xy + rng.uniform(0.2, 0.45, 2)]
            boxes.append(box)
            for label in labels:
                gt_rows.append(stamp + ',' + ','.join(f'{v:.3f}'
                                                      for v in box) +
                               f',{label},{len(boxes)}')
        # detections: jittered truth, random boxes, some inverted boxes;
        # every 4th frame gets more than 50
        cands = [b + rng.normal(0, 0.03, 4) for b in boxes]
        cands += [np.r_[xy, xy + 0.3] for xy in rng.uniform(0, 0.6, (2, 2))]
        if n % 7 == 1:
            b = rng.uniform(0, 0.5, 4)
            cands.append(np.r_[b[0] + 0.3, b[1], b[0], b[1] + 0.3])
        classes = [1, 2, 3, 4, 5, 6, 7]
        if n % 4 != 0:
            classes = list(rng.choice(classes, 3, replace=False))
        for box in cands:
            for label in classes:
                det_rows.append(stamp + ',' + ','.join(f'{v:.4f}'
                                                       for v in box) +
                                f',{label},{next(scores):.6f}')
        if n % 4 == 0 and len(cands) * len(classes) <= 50:
            for _ in range(70 - len(cands) * len(classes)):
                xy = rng.uniform(0, 0.6, 2)
                det_rows.append(stamp + ',' +
                                ','.join(f'{v:.4f}'
                                         for v in np.r_[xy, xy + 0.2]) +
                                f',{rng.choice(ids)},{next(scores):.6f}')
    if not with_exclusions:  # frames absent from the ground truth
        for ts in (930, 931):
            det_rows.append(f'vidA,{ts:04d},0.1,0.1,0.5,0.5,1,'
                            f'{next(scores):.6f}')
    order = rng.permutation(len(det_rows))  # rows in no particular order
    with open(osp.join(folder, 'gt.csv'), 'w') as f:
        f.write('\n'.join(gt_rows) + '\n')
    with open(osp.join(folder, 'det.csv'), 'w') as f:
        f.write('\n'.join(det_rows[i] for i in order) + '\n')
    if with_exclusions:
        with open(osp.join(folder, 'excluded.csv'), 'w') as f:
            f.write('vidA,0905\nvidB,0910\n')
    return ids


def score(python, numpy_dir, evaluation_dir, folder, ids, with_exclusions):
    """Run the scorer; write ``expected.json`` (class id -> AP, mAP)."""
    raw = osp.join(folder, 'scorer_output.json')
    files = [
        osp.join(folder, n) for n in ('labels.pbtxt', 'gt.csv', 'det.csv')
    ]
    if with_exclusions:
        files.append(osp.join(folder, 'excluded.csv'))
    env = dict(os.environ, PYTHONPATH=numpy_dir)
    subprocess.run([python, '-c', DRIVER, evaluation_dir, raw, *files],
                   env=env,
                   check=True)
    with open(raw) as f:
        metrics = json.load(f)
    os.remove(raw)
    prefix = 'PascalBoxes_PerformanceByCategory/AP@0.5IOU/action '
    aps = {str(i): metrics.get(prefix + str(i)) for i in ids}
    expected = dict(
        aps=aps,
        mAP=metrics['PascalBoxes_Precision/mAP@0.5IOU'],
        scorer='activitynet/ActivityNet Evaluation/get_ava_performance.py '
        f'@ {"eba0ec9" if with_exclusions else "82304fa"}')
    with open(osp.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    return expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--head', required=True, help='Evaluation/ of the scorer @ 82304fa')
    parser.add_argument(
        '--exclusions',
        required=True,
        help='Evaluation/ of the scorer @ eba0ec9')
    parser.add_argument(
        '--numpy', required=True, help='folder holding numpy < 1.24')
    parser.add_argument('--python', default=sys.executable)
    parser.add_argument('--out', default='tests/data/ava_official')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    for name, src, excl in (('head', args.head, False),
                            ('exclusions', args.exclusions, True)):
        folder = osp.join(args.out, name)
        ids = generate(np.random.default_rng(args.seed + excl), folder, excl)
        expected = score(args.python, args.numpy, osp.abspath(src), folder,
                         ids, excl)
        print(name, json.dumps(expected))


if __name__ == '__main__':
    main()
