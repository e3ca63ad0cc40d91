# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from mmvb.apis import inference_instblink
from mmvb.apis.instblink_inference import _stream_clips
from mmvb.datasets import video_clip_starts
from mmvb.datasets.synthetic import write_video


class CountingFrames:
    """A frame source that records how far it has been read."""

    def __init__(self, n, h=8, w=8):
        self.n, self.h, self.w = n, h, w
        self.read = 0

    def __iter__(self):
        for i in range(self.n):
            self.read = i + 1
            yield np.full((self.h, self.w, 3), i % 256, np.uint8)


@pytest.mark.parametrize('n', [1, 10, 36, 37, 53, 54, 55, 100])
def test_stream_clips_match_official_split(n):
    frames = CountingFrames(n)
    clips = []
    for start, clip in _stream_clips(frames, 36, 18):
        # a clip is complete and in order; no frame is read more than one
        # past the clip
        assert [int(f[0, 0, 0]) for f in clip
                ] == [i % 256 for i in range(start, start + len(clip))]
        assert frames.read <= start + len(clip) + 1
        clips.append((start, len(clip)))
    assert clips == video_clip_starts(n, 36, 18)


class FakeModel(torch.nn.Module):
    """Returns one face that moves 1 px per frame and blinks at 20-22."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.calls = []

    def predict_clip(self, clip, img_shape, scale_factor):
        t = clip.shape[0]
        start = int(clip[0, 0, 0, 0])  # frames carry their index
        self.calls.append((start, t, tuple(clip.shape[-2:]), scale_factor))
        frames = torch.arange(start, start + t, dtype=torch.float)
        boxes = torch.stack([frames, frames * 0, frames + 10, frames * 0 + 10],
                            -1)
        blink = ((frames >= 20) & (frames <= 22)).float() * 0.9
        return InstanceData(
            bboxes=boxes[None] / torch.tensor(scale_factor * 2),
            scores=torch.tensor([0.8]),
            blink_scores=blink[None],
            face_scores=torch.full((1, t), 0.8))


def test_inference_links_clips_with_bounded_input():
    model = FakeModel()
    frames = CountingFrames(60, 16, 32)
    results = inference_instblink(
        model, frames, clip_len=36, stride=18, input_size=(64, 32))
    assert [c[:2] for c in model.calls] == [(0, 36), (18, 36), (24, 36)]
    assert all(c[2] == (32, 64) and c[3] == (2.0, 2.0) for c in model.calls)
    assert len(results) == 1
    track = results[0]
    assert len(track['bboxes']) == 60
    # boxes are back in the original 32x16 frames: x = t / 2
    assert track['bboxes'][40] == pytest.approx([20.0, 0.0, 5.0, 5.0])
    assert track['blinks_converted'] == [[20, 22, pytest.approx(0.9)]]
    assert track['score'] == pytest.approx(0.8)


def test_inference_on_video_file(tmp_path):
    frames = np.stack([np.full((16, 32, 3), i, np.uint8) for i in range(5)])
    path = str(tmp_path / 'v.mp4')
    write_video(path, frames, fps=5)
    model = FakeModel()
    results = inference_instblink(model, path, input_size=None)
    assert [c[:2] for c in model.calls] == [(0, 5)]
    assert len(results) == 1 and len(results[0]['bboxes']) == 5
