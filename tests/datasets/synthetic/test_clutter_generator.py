# Copyright (c) mmvb contributors. All rights reserved.
"""The where/when clutter set: the target moves in the label's direction,
distractors move every way, files in MMAction2's video-list format."""
import json
import os.path as osp

import decord
import numpy as np
import pytest

from mmvb.datasets.synthetic import (CLUTTER_CLASSES, GENERATORS,
                                     generate_clutter_dataset,
                                     render_clutter_clip)

# (dx, dy) per class: right, left, down, up
DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


def _target_centres(clip):
    """Centre of the white cross (the only pure-white pixels)."""
    centres = []
    for frame in clip:
        ys, xs = np.nonzero((frame == 255).all(-1))
        assert len(xs) >= 5, 'no target cross in a frame'
        centres.append((xs.mean(), ys.mean()))
    return np.array(centres)


@pytest.mark.parametrize('label', range(4))
def test_target_moves_in_the_label_direction(label):
    for seed in range(5):
        clip = render_clutter_clip(label, np.random.default_rng(seed))
        assert clip.shape == (8, 32, 32, 3) and clip.dtype == np.uint8
        step = np.diff(_target_centres(clip), axis=0).mean(0)
        dx, dy = DIRECTIONS[label]
        along = step[0] * dx + step[1] * dy
        across = abs(step[0] * dy) + abs(step[1] * dx)
        assert 1.0 <= along <= 3.0 and across < 0.5, (label, seed, step)


def test_distractors_move_every_way_and_errors():
    # frames differ outside the target: the distractors move
    clip = render_clutter_clip(
        0, np.random.default_rng(0), num_distractors=6).astype(int)
    assert np.abs(np.diff(clip, axis=0)).sum() > 0
    with pytest.raises(ValueError, match='label'):
        render_clutter_clip(4, np.random.default_rng(0))
    with pytest.raises(ValueError, match='size'):
        render_clutter_clip(0, np.random.default_rng(0), size=30)
    same = [render_clutter_clip(1, np.random.default_rng(3)) for _ in '12']
    np.testing.assert_array_equal(same[0], same[1])


def test_harder_variants():
    """Smaller, dimmer target; target only in some frames ("when")."""
    rng = np.random.default_rng
    # defaults unchanged: the same clip as without the keywords
    np.testing.assert_array_equal(
        render_clutter_clip(2, rng(5)),
        render_clutter_clip(
            2, rng(5), target_arm=2, target_value=255.0, visible_frames=None))
    clip = render_clutter_clip(
        0, rng(1), num_distractors=10, target_arm=1, target_value=180)
    assert [int((f == 180).all(-1).sum()) for f in clip] == [5] * 8
    assert not (clip == 255).all(-1).any()
    for seed in range(5):
        clip = render_clutter_clip(3, rng(seed), visible_frames=3)
        shown = np.flatnonzero((clip == 255).all(-1).sum((1, 2)) >= 9)
        assert len(shown) == 3 and np.ptp(shown) == 2, (seed, shown)
        # still moving up while visible
        step = np.diff(_target_centres(clip[shown]), axis=0).mean(0)
        assert step[1] <= -1.0 and abs(step[0]) < 0.5, (seed, step)
    with pytest.raises(ValueError, match='visible_frames'):
        render_clutter_clip(0, rng(0), visible_frames=9)
    with pytest.raises(ValueError, match='target_arm'):
        render_clutter_clip(0, rng(0), target_arm=0)


def _distractor_mask(frame):
    """Pixels of the most frequent colour other than the target's white
    (one distractor, drawn in one flat colour over a noisy background)."""
    colours, counts = np.unique(
        frame.reshape(-1, 3), axis=0, return_counts=True)
    counts[(colours == 255).all(-1)] = 0
    return (frame == colours[counts.argmax()]).all(-1)


def _plus(centre, arm, size=32):
    mask = np.zeros((size, size), bool)
    x, y = centre
    mask[y - arm:y + arm + 1, x] = mask[y, x - arm:x + arm + 1] = True
    return mask


@pytest.mark.parametrize('arm', [1, 2])
def test_cross_distractors(arm):
    """Distractors of the target's shape and size: only the colour
    differs."""
    rng = np.random.default_rng
    # the default is the previous square distractor, same clip
    np.testing.assert_array_equal(
        render_clutter_clip(1, rng(4)),
        render_clutter_clip(1, rng(4), distractor_shape='square'))
    for seed in range(3):
        kw = dict(num_distractors=1, target_arm=arm)
        square = render_clutter_clip(2, rng(seed), **kw)
        cross = render_clutter_clip(
            2, rng(seed), distractor_shape='cross', **kw)
        # the same draws: the target's white pixels are where they were
        np.testing.assert_array_equal((square == 255).all(-1),
                                      (cross == 255).all(-1))
        for f_sq, f_cr in zip(square, cross):
            sq = _distractor_mask(f_sq)
            ys, xs = np.nonzero(sq)
            assert sq.sum() == 9 and np.ptp(xs) == np.ptp(ys) == 2
            centre = int(xs.mean()), int(ys.mean())
            # a plus of 4 * arm + 1 pixels at the square's centre
            np.testing.assert_array_equal(
                _distractor_mask(f_cr), _plus(centre, arm))
    with pytest.raises(ValueError, match='distractor_shape'):
        render_clutter_clip(0, rng(0), distractor_shape='circle')


@pytest.mark.parametrize('shape', ['square', 'cross'])
def test_pixel_masks(shape):
    """``return_masks`` labels what each pixel shows and leaves the clip
    unchanged."""
    rng = np.random.default_rng
    for seed in range(3):
        kw = dict(num_distractors=1, distractor_shape=shape)
        clip, masks = render_clutter_clip(
            seed % 4, rng(seed), return_masks=True, **kw)
        np.testing.assert_array_equal(
            clip, render_clutter_clip(seed % 4, rng(seed), **kw))
        assert masks.shape == clip.shape[:3] and masks.dtype == np.uint8
        np.testing.assert_array_equal(masks == 2, (clip == 255).all(-1))
        for frame, mask in zip(clip, masks):
            # the distractor's pixels that the target does not cover
            np.testing.assert_array_equal(mask == 1,
                                          _distractor_mask(frame) & (mask < 2))
    # a target shown in 3 frames only: no target pixels in the others
    _, masks = render_clutter_clip(
        0, rng(0), visible_frames=3, return_masks=True)
    assert ((masks == 2).any((1, 2))).sum() == 3


def test_files_in_mmaction_format(tmp_path):
    assert GENERATORS['clutter'] is generate_clutter_dataset
    out = generate_clutter_dataset(
        str(tmp_path), num_train=8, num_val=4, progress=False)
    with open(out['train_videos']) as f:
        lines = f.read().splitlines()
    assert [int(line.split()[1])
            for line in lines] == [i % 4 for i in range(8)]
    video = decord.VideoReader(osp.join(str(tmp_path), lines[2].split()[0]))
    assert len(video) == 8 and video[0].shape == (32, 32, 3)
    with open(osp.join(str(tmp_path), 'label_map.txt')) as f:
        assert tuple(f.read().split()) == CLUTTER_CLASSES
    with open(osp.join(str(tmp_path), 'meta.json')) as f:
        assert json.load(f)['generator'] == 'clutter'
