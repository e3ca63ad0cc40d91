# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest
import torch

from mmvb.datasets import video_clip_starts
from mmvb.evaluation.functional import tracks_to_results
from mmvb.models.task_modules.tracking import (ClipLinker, blink_intervals,
                                               temporal_nms)
from mmvb.ops import box_iou


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


class LegacyClipLinker:
    """The linker before it became linear (mmvb commit 3c45faa), kept
    verbatim as the reference: every track padded to the video length on
    every clip, every track compared with every clip."""

    FIELDS = ('boxes', 'scores', 'blinks', 'faces')

    def __init__(self,
                 score_thr=0.5,
                 iou_thr=0.2,
                 nms_thr=None,
                 frame_thr=None):
        self.score_thr = score_thr
        self.iou_thr = iou_thr
        self.nms_thr = nms_thr
        self.frame_thr = frame_thr
        self.length = 0
        self.data = dict(boxes=np.zeros((0, 0, 4)))
        for key in self.FIELDS[1:]:
            self.data[key] = np.zeros((0, 0))
        self.alive = np.zeros((0, 0), bool)

    def _append_tracks(self, start, clip):
        k, t = clip['boxes'].shape[:2]
        for key, value in clip.items():
            new = np.zeros((k, self.length) + value.shape[2:])
            new[:, start:start + t] = value
            self.data[key] = np.concatenate([self.data[key], new])
        alive = np.zeros((k, self.length), bool)
        alive[:, start:start + t] = True
        self.alive = np.concatenate([self.alive, alive])

    def add_clip(self, start, boxes, scores, blinks, faces=None):
        boxes = np.asarray(boxes, np.float64)
        scores = np.asarray(scores, np.float64)
        k, t = boxes.shape[:2]
        clip = dict(
            boxes=boxes,
            scores=np.repeat(scores[:, None], t, axis=1),
            blinks=np.asarray(blinks, np.float64),
            faces=np.repeat(scores[:, None], t, axis=1)
            if faces is None else np.asarray(faces, np.float64))
        keep = np.flatnonzero(scores > self.score_thr)
        if self.nms_thr is not None and len(keep) > 1:
            keep = keep[temporal_nms(boxes[keep], scores[keep], self.nms_thr)]
        clip = {key: value[keep] for key, value in clip.items()}
        end = start + t
        overlap = self.length - start
        assert start >= 0 and (self.length == 0 or 0 < overlap <= t)
        if end > self.length:
            pad = end - self.length
            for key, value in self.data.items():
                width = [(0, 0), (0, pad)] + [(0, 0)] * (value.ndim - 2)
                self.data[key] = np.pad(value, width)
            self.alive = np.pad(self.alive, ((0, 0), (0, pad)))
            self.length = end
        num_tracks, k = len(self.alive), len(keep)
        order = list(range(k))
        if num_tracks and k and overlap > 0:
            prev = torch.from_numpy(self.data['boxes'][:,
                                                       start:start + overlap])
            cur = torch.from_numpy(clip['boxes'][:, :overlap])
            sim = box_iou(prev.transpose(0, 1), cur.transpose(0, 1))
            sim = torch.nan_to_num(sim, nan=0.0).mean(0).numpy()
            assigned = np.zeros(k, bool)
            new_tracks = []
            for _ in range(min(num_tracks, k)):
                i, j = np.unravel_index(sim.argmax(), sim.shape)
                if sim[i, j] < self.iou_thr:
                    new_tracks.append(j)
                else:
                    o = slice(start, start + overlap)
                    n = slice(start + overlap, end)
                    for key, value in clip.items():
                        track = self.data[key][i]
                        track[o] = (track[o] + value[j, :overlap]) / 2
                        track[n] = value[j, overlap:]
                    self.alive[i, start:end] = True
                sim[i, :] = -np.inf
                sim[:, j] = -np.inf
                assigned[j] = True
            order = new_tracks + [j for j in range(k) if not assigned[j]]
        if order:
            self._append_tracks(
                start, {key: value[order]
                        for key, value in clip.items()})

    def tracks(self):
        out = []
        for i in range(len(self.alive)):
            alive = self.alive[i].copy()
            if self.frame_thr is not None:
                alive &= self.data['faces'][i] > self.frame_thr
            frame_scores = self.data['scores'][i]
            pos = frame_scores > 0
            score = float(frame_scores[pos].mean()) if pos.any() else 0.0
            out.append(
                dict(
                    boxes=self.data['boxes'][i],
                    alive=alive,
                    frame_scores=frame_scores,
                    blink_scores=np.where(alive, self.data['blinks'][i], 0),
                    score=score))
        return out


def clip_spans(rng, num_frames, clip_len=12, stride=6):
    """The official clips of a video, or (odd seeds) clips of random
    lengths and overlaps, so tracks also end inside an overlap."""
    if rng.random() < 0.5:
        return video_clip_starts(num_frames, clip_len, stride)
    spans, start, length = [], 0, 0
    while length < num_frames:
        t = int(rng.integers(3, clip_len + 1))
        if length:
            start = int(rng.integers(max(start, length - t), length))
        spans.append((start, t))
        length = max(length, start + t)
    return spans


def fragmenting_clips(rng, num_frames, clip_len=12, stride=6, queries=6):
    """Random clips of a video whose faces come and go: persistent faces
    drifting and jumping (tracks fragment), spurious boxes, duplicates
    (tied similarities), degenerate boxes (0/0 IoU) and empty clips."""
    faces = rng.uniform(0, 200, (8, 2))
    for start, t in clip_spans(rng, num_frames, clip_len, stride):
        k = int(rng.integers(0, queries + 1))
        boxes = np.zeros((k, t, 4))
        for q in range(k):
            kind = rng.random()
            if kind < 0.6:  # one of the faces, drifting
                x, y = faces[rng.integers(len(faces))]
                drift = np.arange(start, start + t)[:, None] * 0.3
                xy = np.array([x, y]) + drift + rng.normal(0, 1, (t, 2))
                boxes[q] = np.concatenate([xy, xy + 20], axis=1)
            elif kind < 0.8:  # anywhere
                xy = rng.uniform(0, 300, 2)
                boxes[q] = np.concatenate([xy, xy + rng.uniform(5, 40)])
            elif kind < 0.9 and q:  # a duplicate of the previous query
                boxes[q] = boxes[q - 1]
            else:  # degenerate (zero area)
                boxes[q] = rng.uniform(0, 300)
        if rng.random() < 0.2:  # a face jumps: its track fragments
            faces[rng.integers(len(faces))] = rng.uniform(0, 200, 2)
        scores = rng.choice([0.3, 0.55, 0.7, 0.9],
                            k) + rng.uniform(0, 0.05, k) * (
                                rng.random(k) < 0.7)
        yield (start, boxes, scores, rng.uniform(0, 1, (k, t)),
               rng.uniform(0, 1, (k, t)))


@pytest.mark.parametrize('seed', range(8))
@pytest.mark.parametrize('options', [
    dict(),
    dict(iou_thr=0.05),
    dict(nms_thr=0.5, frame_thr=0.4),
    dict(iou_thr=0.0),
    dict(score_thr=0.0, iou_thr=0.5)
])
def test_linker_matches_legacy_on_fragmenting_tracks(seed, options):
    rng = np.random.default_rng(seed)
    num_frames = int(rng.integers(30, 140))
    linker, legacy = ClipLinker(**options), LegacyClipLinker(**options)
    for clip in fragmenting_clips(rng, num_frames):
        linker.add_clip(*clip)
        legacy.add_clip(*clip)
    got, want = linker.tracks(), legacy.tracks()
    assert len(got) == len(want) > 0
    for a, b in zip(got, want):
        assert a.keys() == b.keys()
        for key in a:
            assert np.array_equal(a[key], b[key]), key  # bit for bit
    if options.get('iou_thr', 0.2) > 0:
        # fragmentation: most tracks are closed long before the end
        assert linker.num_open < linker.num_tracks


@pytest.mark.parametrize('seed', range(4))
@pytest.mark.parametrize('options', [dict(), dict(iou_thr=0.0, frame_thr=0.5)])
def test_linker_release_gives_the_offline_tracks(seed, options):
    """Frames handed out by release() (streaming) rebuild tracks()."""
    rng = np.random.default_rng(100 + seed)
    clips = list(fragmenting_clips(rng, int(rng.integers(40, 120))))
    offline = ClipLinker(**options)
    for clip in clips:
        offline.add_clip(*clip)
    want = offline.tracks()
    length = offline.length
    linker = ClipLinker(**options)
    got = {}
    finished = set()
    held = []
    for n, clip in enumerate(clips):
        linker.add_clip(*clip)
        held.append(linker.num_open)
        upto = clips[n + 1][0] if n + 1 < len(clips) else length
        for entry in linker.release(upto, last=n + 1 == len(clips)):
            i = entry['track_id']
            assert i not in finished
            track = got.setdefault(
                i,
                dict(
                    boxes=np.zeros((length, 4)),
                    alive=np.zeros(length, bool),
                    frame_scores=np.zeros(length),
                    blink_scores=np.zeros(length)))
            if 'boxes' in entry:
                s = slice(entry['start'], entry['start'] + len(entry['boxes']))
                for key in track:
                    assert not track[key][s].any()  # each frame once
                    track[key][s] = entry[key]
            if entry['finished']:
                finished.add(i)
    assert finished == set(range(len(want))) == set(got)
    for i, track in enumerate(want):
        for key in ('boxes', 'alive', 'frame_scores', 'blink_scores'):
            assert np.array_equal(got[i][key], track[key]), key
    with pytest.raises(AssertionError, match='tracks\\(\\) needs every frame'):
        linker.tracks()
