# Copyright (c) mmvb contributors. All rights reserved.
"""Time of an AVA evaluation (``AVAFrameMAPMetric``) on a generated set of
AVA v2.2 validation size.

The ground truth has the shape of ``ava_val_v2.2.csv``: 64 videos with key
frames at 902 .. 1798 s (57,408 frames), 1-4 people per frame (about 1.6
on average), each with one pose class and a few other classes drawn from
the 80 AVA actions (about 2.8 labels per box, about 250k rows; the real
file has 11.6 MB of rows, the generated one is printed); the label map
holds the 60 classes of ``ava_action_list_v2.2_for_activitynet_2019``.
Every frame gets ``--boxes`` predicted boxes (the jittered ground truth,
then random boxes) with a random score for each of the 80 classes (no two
equal within a class, so that the APs do not depend on the order of
ties), so
``--boxes 6`` gives 480 candidate detections per frame (27.6 M in all,
all above ``action_thr``), more than any AVA model keeps.

The metric is timed from ``process`` (batches of 8 samples, as the
validation loop feeds it) to ``compute_metrics`` for both protocols. The
former implementation (MMAction2's ``bbox2result`` per sample, then a
Python loop over frames calling ``tpfp_single``;
``mmvb.testing.loop_frame_average_precision``) is timed on the first
``--former-videos`` videos only, together with the new ``'slowfast'``
metric on the same subset (whose APs must be identical); its full-set time
is extrapolated by the number of frames and reported as such.

Example (2-core CPU, one thread)::

    python tools/analysis/benchmark_ava_eval.py --boxes 6 --threads 1
"""
import argparse
import json
import os.path as osp
import tempfile
import time
from collections import defaultdict

import numpy as np
import torch
from mmaction.evaluation.functional import ava_utils
from mmaction.structures import bbox2result

from mmvb.evaluation import AVAFrameMAPMetric, mean_ap
from mmvb.testing import loop_frame_average_precision

# ids of ava_action_list_v2.2_for_activitynet_2019.pbtxt (60 classes)
AVA60 = (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 20, 22, 24, 26,
         27, 28, 29, 30, 34, 36, 37, 38, 41, 43, 45, 46, 47, 48, 49, 51, 52,
         54, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 72,
         73, 74, 76, 77, 78, 79, 80)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--videos', type=int, default=64)
    parser.add_argument('--boxes', type=int, default=6, help='per frame')
    parser.add_argument('--former-videos', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='write the figures as JSON here')
    return parser.parse_args()


def generate(rng, folder, videos, boxes_per_frame):
    """Write gt.csv / labels.pbtxt / excluded.csv; return the samples."""
    with open(osp.join(folder, 'labels.pbtxt'), 'w') as f:
        for i in AVA60:
            f.write(f'item {{\n  name: "action {i}"\n  id: {i}\n}}\n')
    timestamps = np.arange(902, 1799)
    rows, samples = [], []
    for v in range(videos):
        video = f'video{v:07d}'
        people = np.minimum(1 + rng.poisson(0.6, len(timestamps)), 4)
        for ts, n in zip(timestamps, people):
            xy = rng.uniform(0, 0.6, (n, 2))
            truth = np.concatenate([xy, xy + rng.uniform(0.1, 0.4, (n, 2))], 1)
            for p, box in enumerate(truth):
                labels = [rng.integers(1, 15)]
                labels += list(
                    rng.choice(
                        np.arange(15, 81),
                        min(rng.poisson(1.8), 5),
                        replace=False))
                coords = ','.join(f'{c:.3f}' for c in box)
                rows += [f'{video},{ts:04d},{coords},{a},{p}' for a in labels]
            pred = truth[:boxes_per_frame] + rng.normal(
                0, 0.02, truth[:boxes_per_frame].shape)
            extra = boxes_per_frame - len(pred)
            if extra > 0:
                xy = rng.uniform(0, 0.6, (extra, 2))
                pred = np.concatenate(
                    [pred, np.concatenate([xy, xy + 0.3], 1)])
            samples.append(
                dict(
                    video_id=video,
                    timestamp=int(ts),
                    pred_instances=dict(
                        bboxes=torch.from_numpy(pred.astype(np.float32)).clamp(
                            0, 1),
                        scores=None)))
    # scores: distinct within each class (float32 multiples of 2^-24), so
    # that the APs do not depend on how ties are ordered
    scores = np.zeros((len(samples) * boxes_per_frame, 81), np.float32)
    for c in range(1, 81):
        scores[:, c] = rng.choice(2**24, len(scores), replace=False) / 2**24
    scores = torch.from_numpy(scores).view(len(samples), boxes_per_frame, 81)
    for sample, score in zip(samples, scores):
        sample['pred_instances']['scores'] = score
    with open(osp.join(folder, 'gt.csv'), 'w') as f:
        f.write('\n'.join(rows) + '\n')
    with open(osp.join(folder, 'excluded.csv'), 'w') as f:
        f.write('video0000000,0905\n')
    return samples, len(rows)


def run_metric(folder, samples, protocol):
    metric = AVAFrameMAPMetric(
        ann_file=osp.join(folder, 'gt.csv'),
        exclude_file=osp.join(folder, 'excluded.csv'),
        label_file=osp.join(folder, 'labels.pbtxt'),
        ava_protocol=protocol,
        per_class=True)
    start = time.perf_counter()
    for i in range(0, len(samples), 8):
        metric.process([], samples[i:i + 8])
    processed = time.perf_counter()
    out = metric.compute_metrics(metric.results)
    end = time.perf_counter()
    return out, processed - start, end - processed


def run_former(folder, samples):
    """The former metric: bbox2result in process, then the frame loop."""
    start = time.perf_counter()
    results = []
    for s in samples:
        pred = s['pred_instances']
        results.append(
            (s['video_id'], s['timestamp'],
             bbox2result(pred['bboxes'], pred['scores'], 81, thr=0.002)))
    with open(osp.join(folder, 'labels.pbtxt')) as f:
        _, class_ids = ava_utils.read_labelmap(f)
    with open(osp.join(folder, 'gt.csv')) as f:
        gt_boxes, gt_labels, _ = ava_utils.read_csv(f, class_ids)
    with open(osp.join(folder, 'excluded.csv')) as f:
        excluded = ava_utils.read_exclusions(f)
    det_boxes, det_labels, det_scores = (defaultdict(list) for _ in range(3))
    for video, ts, outputs in results:
        key = ava_utils.make_image_key(video, ts)
        for index, dets in enumerate(outputs):
            for x1, y1, x2, y2, score in np.asarray(dets).reshape(-1, 5):
                det_boxes[key].append((y1, x1, y2, x2))
                det_labels[key].append(index + 1)
                det_scores[key].append(score)
    aps = loop_frame_average_precision(
        gt_boxes,
        gt_labels,
        det_boxes,
        det_labels,
        det_scores,
        sorted(class_ids),
        excluded=excluded)
    return aps, time.perf_counter() - start


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        samples, num_rows = generate(rng, tmp, args.videos, args.boxes)
        size = osp.getsize(osp.join(tmp, 'gt.csv'))
        report['set'] = dict(
            frames=len(samples),
            gt_rows=num_rows,
            gt_csv_bytes=size,
            candidate_detections=len(samples) * args.boxes * 80)
        print(json.dumps(report['set']))
        for protocol in ('official', 'slowfast'):
            out, t_proc, t_comp = run_metric(tmp, samples, protocol)
            report[protocol] = dict(
                mAP=out['overall'],
                process_s=round(t_proc, 2),
                compute_s=round(t_comp, 2),
                total_s=round(t_proc + t_comp, 2))
            print(protocol, json.dumps(report[protocol]))
        # the former implementation on a subset, with its own ground truth
        videos = {f'video{v:07d}' for v in range(args.former_videos)}
        sub = [s for s in samples if s['video_id'] in videos]
        with tempfile.TemporaryDirectory() as tmp_sub:
            with open(osp.join(tmp, 'gt.csv')) as f, \
                    open(osp.join(tmp_sub, 'gt.csv'), 'w') as g:
                g.writelines(r for r in f if r.split(',')[0] in videos)
            for name in ('labels.pbtxt', 'excluded.csv'):
                with open(osp.join(tmp, name)) as f, \
                        open(osp.join(tmp_sub, name), 'w') as g:
                    g.write(f.read())
            former_aps, t_former = run_former(tmp_sub, sub)
            out, t_proc, t_comp = run_metric(tmp_sub, sub, 'slowfast')
        identical = all(out[f'AP/action {c}'] == ap or (
            np.isnan(ap) and np.isnan(out[f'AP/action {c}']))
                        for c, ap in former_aps.items())
        scale = len(samples) / len(sub)
        report['former_subset'] = dict(
            frames=len(sub),
            former_s=round(t_former, 2),
            new_slowfast_s=round(t_proc + t_comp, 2),
            speedup=round(t_former / (t_proc + t_comp), 1),
            identical_aps=bool(identical),
            mAP=mean_ap(former_aps),
            former_full_set_extrapolated_s=round(t_former * scale, 1))
        print('former', json.dumps(report['former_subset']))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1)


if __name__ == '__main__':
    main()
