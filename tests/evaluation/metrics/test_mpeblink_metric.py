# Copyright (c) mmvb contributors. All rights reserved.
import json

import pytest
import torch

from mmvb.evaluation import MPEblinkMetric

BOX = [0.0, 0.0, 10.0, 10.0]


def _clip(video_id, start, t, blink_frames=(), score=0.9, x=0.0):
    boxes = torch.tensor([x, 0.0, x + 10, 10.0]).repeat(1, t, 1)
    blinks = torch.zeros(1, t)
    for f in blink_frames:
        if start <= f < start + t:
            blinks[0, f - start] = 0.8
    return dict(
        video_id=video_id,
        clip_start=start,
        pred_instances=dict(
            bboxes=boxes, scores=torch.tensor([score]), blink_scores=blinks))


def test_metric_links_clips_and_scores(tmp_path):
    gt = dict(
        videos=[dict(id=1, length=8),
                dict(id=2, length=4)],
        annotations=[
            dict(id=1, video_id=1, bboxes=[BOX] * 8, blinks=[[5, 6]]),
            dict(id=2, video_id=2, bboxes=[[50, 0, 10, 10]] * 4, blinks=[])
        ])
    ann_file = tmp_path / 'gt.json'
    ann_file.write_text(json.dumps(gt))
    metric = MPEblinkMetric(
        str(ann_file), outfile_prefix=str(tmp_path / 'out' / 'res'))
    # video 1 in two clips of 6 frames (stride 2), given out of order and
    # one clip twice (distributed sampler padding)
    metric.process(None, [_clip(1, 2, 6, (6, )), _clip(1, 0, 6, (5, ))])
    metric.process(None, [_clip(1, 2, 6, (6, ))])
    # video 2: a low-score query (dropped) and a missed face
    metric.process(None, [_clip(2, 0, 4, score=0.3, x=50)])
    res = metric.compute_metrics(metric.results)
    # one of two faces found perfectly (recall 0.5 at precision 1)
    assert res['inst_ap50'] == pytest.approx(51 / 101, abs=1e-4)
    assert res['blink_ap50'] == 1.0
    with open(tmp_path / 'out' / 'res.results.json') as f:
        tracks = json.load(f)
    assert len(tracks) == 1 and tracks[0]['video_id'] == 1
    assert tracks[0]['blinks_converted'][0][:2] == [5, 6]
    # frames 2-5 are in both clips and averaged: frame 5 is 0.8 in clip 1
    # and 0 in clip 2; frame 6 is in clip 2 only
    assert tracks[0]['blink_scores'][5] == pytest.approx(0.4)
    assert tracks[0]['blink_scores'][6] == pytest.approx(0.8)
