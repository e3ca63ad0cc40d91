# Copyright (c) mmvb contributors. All rights reserved.
import threading
import time

import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData

from mmvb.apis import PrefetchIterator, inference_instblink, prefetch


class Source:
    """Numbers 0..n-1, recording how many were produced and by which
    thread."""

    def __init__(self, n, delay=0.0, fail_at=None):
        self.n, self.delay, self.fail_at = n, delay, fail_at
        self.produced = 0
        self.threads = set()
        self.closed = False

    def __iter__(self):
        try:
            for i in range(self.n):
                if i == self.fail_at:
                    raise KeyError(f'frame {i} is corrupt')
                time.sleep(self.delay)
                self.threads.add(threading.current_thread().name)
                self.produced = i + 1
                yield i
        finally:
            self.closed = True


def test_order_and_bounded_read_ahead():
    source = Source(50)
    with PrefetchIterator(source, 3) as stream:
        for consumed, item in enumerate(stream, 1):
            assert item == consumed - 1
            time.sleep(0.002)
            # at most 3 queued + 1 being produced beyond what was consumed
            assert source.produced <= consumed + 4
    assert consumed == 50
    assert source.threads == {'mmvb-prefetch'}
    assert list(prefetch(range(4), 0)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match='maxsize must be >= 1'):
        PrefetchIterator([], 0)


def test_errors_reach_the_consumer_and_close_stops_the_reader():
    stream = PrefetchIterator(Source(10, fail_at=4), 2)
    assert [next(stream) for _ in range(4)] == [0, 1, 2, 3]
    with pytest.raises(KeyError, match='frame 4 is corrupt'):
        next(stream)
    with pytest.raises(StopIteration):
        next(stream)
    # a consumer that stops early: the reader stops and closes the source
    source = Source(10**6)
    stream = PrefetchIterator(source, 2)
    assert next(stream) == 0
    stream.close()
    assert not stream._thread.is_alive() and source.closed
    assert source.produced < 10


def test_reading_overlaps_the_consumer():
    """10 items that take 30 ms to read and 30 ms to use: about 0.33 s
    with read-ahead instead of 0.6 s."""

    def run(maxsize):
        start = time.perf_counter()
        for _ in prefetch(Source(10, delay=0.03), maxsize):
            time.sleep(0.03)
        return time.perf_counter() - start

    serial, overlapped = run(0), run(4)
    assert serial >= 0.6
    assert overlapped < 0.8 * serial, (serial, overlapped)


class IndexModel(torch.nn.Module):
    """Returns one face per clip whose box and blink depend on the frames'
    content (which carries the frame index)."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def predict_clip(self, clip, img_shape, scale_factor):
        t = clip.shape[0]
        frames = clip[:, 0, 0, 0].float()
        boxes = torch.stack([frames, frames * 0, frames + 10, frames * 0 + 9],
                            -1)
        return InstanceData(
            bboxes=boxes[None],
            scores=torch.tensor([0.9]),
            blink_scores=(frames % 7 == 3).float()[None],
            face_scores=torch.full((1, t), 0.9))


def test_inference_results_equal_with_and_without_read_ahead():
    frames = [np.full((8, 16, 3), i, np.uint8) for i in range(100)]
    results = [
        inference_instblink(
            IndexModel(), iter(frames), input_size=None, read_ahead=n)
        for n in (0, 1, 36)
    ]
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 1 and len(results[0][0]['bboxes']) == 100
