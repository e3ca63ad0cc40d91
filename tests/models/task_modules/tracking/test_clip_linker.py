# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest

from mmvb.evaluation.functional import tracks_to_results
from mmvb.models.task_modules.tracking import (ClipLinker, blink_intervals,
                                               temporal_nms)


def test_fig6_blink_merging():
    # Fig. 6 of the paper: frame-level scores -> 1[b > 0.3] -> intervals.
    scores = [0.2, 0.1, 0.5, 0.6, 0.6, 0.4, 0.2, 0.4, 0.7, 0.6, 0.1, 0.1]
    events = blink_intervals(scores, 0.3)
    assert [e[:2] for e in events] == [[2, 5], [7, 9]]
    assert events[0][2] == pytest.approx((0.5 + 0.6 + 0.6 + 0.4) / 4)
    assert events[1][2] == pytest.approx((0.4 + 0.7 + 0.6) / 3)


def test_blink_merging_edges():
    # >= threshold (official convertor), runs at both ends, single frames
    assert blink_intervals([0.3, 0.3, 0.0, 0.9], 0.3) == [[0, 1, 0.3],
                                                          [3, 3, 0.9]]
    assert blink_intervals([], 0.3) == []
    assert blink_intervals([0.1, 0.29], 0.3) == []


def _box(x, t, w=10.0):
    return np.tile(np.array([x, 0.0, x + w, w]), (t, 1))


def test_linker_links_and_averages_overlap():
    linker = ClipLinker(score_thr=0.5, iou_thr=0.2)
    # clip 0: frames 0..3, two faces (the third query is below 0.5)
    boxes0 = np.stack([_box(0, 4), _box(50, 4), _box(90, 4)])
    linker.add_clip(0, boxes0, np.array([0.9, 0.7, 0.4]),
                    np.array([[0, 0, 0.2, 0.4], [0.1] * 4, [0.9] * 4]))
    # clip 1: frames 2..5 (overlap 2), the faces in swapped query order;
    # face at x=0 moved by 2 px (IoU 8/12 > 0.2)
    boxes1 = np.stack([_box(50, 4), _box(2, 4)])
    linker.add_clip(2, boxes1, np.array([0.8, 0.6]),
                    np.array([[0.3] * 4, [0.6, 0.8, 0.8, 0.0]]))
    tracks = linker.tracks()
    assert len(tracks) == 2
    t0, t1 = tracks
    # overlap frames 2, 3 averaged, new frames 4, 5 copied
    np.testing.assert_allclose(t0['boxes'][2], [1, 0, 11, 10])
    np.testing.assert_allclose(t0['boxes'][4], [2, 0, 12, 10])
    np.testing.assert_allclose(t0['blink_scores'], [0, 0, 0.4, 0.6, 0.8, 0.0])
    np.testing.assert_allclose(t0['frame_scores'],
                               [0.9, 0.9, 0.75, 0.75, 0.6, 0.6])
    assert t0['alive'].all() and t1['alive'].all()
    assert t0['score'] == pytest.approx(np.mean([.9, .9, .75, .75, .6, .6]))
    np.testing.assert_allclose(t1['frame_scores'],
                               [0.7, 0.7, 0.75, 0.75, 0.8, 0.8])


def test_linker_new_track_below_iou_and_absent_frames():
    linker = ClipLinker(0.5, 0.2)
    linker.add_clip(0, _box(0, 4)[None], np.array([0.9]), np.zeros((1, 4)))
    # a far-away face in the next clip: a new track, the old one ends
    linker.add_clip(2,
                    _box(100, 4)[None], np.array([0.9]), np.full((1, 4), 0.5))
    tracks = linker.tracks()
    assert len(tracks) == 2
    assert tracks[0]['alive'].tolist() == [True] * 4 + [False] * 2
    assert tracks[1]['alive'].tolist() == [False] * 2 + [True] * 4
    results = tracks_to_results(tracks, video_id=7)
    assert results[0]['bboxes'][4] is None
    assert results[0]['bboxes'][0] == [0.0, 0.0, 10.0, 10.0]  # xywh
    assert results[1]['blink_scores'][:2] == [0.0, 0.0]
    assert results[1]['blinks_converted'] == [[2, 5, 0.5]]
    assert results[1]['score'] == pytest.approx(0.9)
    assert all(r['video_id'] == 7 and r['category_id'] == 1 for r in results)


def test_linker_greedy_order_and_empty_clips():
    linker = ClipLinker(0.5, 0.2)
    linker.add_clip(0, np.zeros((0, 3, 4)), np.zeros(0), np.zeros((0, 3)))
    assert linker.tracks() == []
    linker.add_clip(1, _box(0, 3)[None], np.array([0.9]), np.zeros((1, 3)))
    tracks = linker.tracks()
    assert len(tracks) == 1 and tracks[0]['alive'].tolist() == [0, 1, 1, 1]
    with pytest.raises(AssertionError):
        linker.add_clip(10,
                        _box(0, 3)[None], np.array([0.9]), np.zeros((1, 3)))


def test_temporal_nms_option():
    # two queries on the same face (mean IoU 8/12 over the clip), one apart
    boxes = np.stack([_box(0, 3), _box(2, 3), _box(50, 3)])
    scores = np.array([0.7, 0.9, 0.6])
    assert temporal_nms(boxes, scores, 0.5).tolist() == [1, 2]
    assert temporal_nms(boxes, scores, 0.7).tolist() == [1, 0, 2]
    official = ClipLinker(0.5, 0.2)
    official.add_clip(0, boxes, scores, np.zeros((3, 3)))
    assert len(official.tracks()) == 3  # duplicates kept (CVPR code)
    nms = ClipLinker(0.5, 0.2, nms_thr=0.5)
    nms.add_clip(0, boxes, scores, np.zeros((3, 3)))
    assert [t['score'] for t in nms.tracks()] == [0.9, 0.6]


def test_frame_threshold_option():
    boxes = _box(0, 4)[None]
    faces = np.array([[0.9, 0.1, 0.8, 0.7]])
    blinks = np.array([[0.0, 0.9, 0.9, 0.0]])
    official = ClipLinker(0.5, 0.2)
    official.add_clip(0, boxes, np.array([0.6]), blinks, faces)
    assert official.tracks()[0]['alive'].all()
    linker = ClipLinker(0.5, 0.2, frame_thr=0.5)
    linker.add_clip(0, boxes, np.array([0.6]), blinks, faces)
    track = linker.tracks()[0]
    assert track['alive'].tolist() == [True, False, True, True]
    # absent frames carry no blink: the event is cut there
    assert track['blink_scores'].tolist() == [0.0, 0.0, 0.9, 0.0]
    assert tracks_to_results([track],
                             0)[0]['blinks_converted'] == [[2, 2, 0.9]]
