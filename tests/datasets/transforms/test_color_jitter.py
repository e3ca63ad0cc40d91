# Copyright (c) mmvb contributors. All rights reserved.
import cv2
import numpy as np
import pytest
from mmaction.datasets.transforms import ColorJitter
from mmaction.registry import TRANSFORMS

from mmvb.datasets.transforms import HueSafeColorJitter


def _reference_hue(img, factor):
    """The hue shift by hand: OpenCV's hue channel is [0, 180)."""
    hsv = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(int) + int(factor * 255)) % 180
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)


def test_hue_shift_in_int16():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(8, 8, 3)).astype(np.float32)
    # -0.05: negative offset; 0.5: hue + 127 passes 255 (uint8 would wrap)
    for factor in (-0.05, 0.05, 0.5):
        out = HueSafeColorJitter.adjust_hue(img, factor)
        np.testing.assert_array_equal(out, _reference_hue(img, factor))
    # a pure red pixel (hue 0) shifted by -0.05 * 255 -> -12 -> 168
    red = np.zeros((1, 1, 3), np.float32)
    red[..., 0] = 255
    hsv = cv2.cvtColor(
        HueSafeColorJitter.adjust_hue(red, -0.05).astype(np.uint8),
        cv2.COLOR_RGB2HSV)
    assert hsv[0, 0, 0] == 168


def test_same_clip_jitter_as_mmaction_otherwise():
    """Brightness/contrast/saturation and the random draws are MMAction2's:
    with the hue range off, both transforms give the same clip."""
    rng = np.random.default_rng(1)
    imgs = [rng.integers(0, 256, (6, 6, 3)).astype(np.uint8)] * 3
    outs = []
    for cls in (ColorJitter, HueSafeColorJitter):
        np.random.seed(0)
        jitter = cls(brightness=0.4, contrast=0.4, saturation=0.4, hue=0)
        outs.append(jitter(dict(imgs=list(imgs)))['imgs'])
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    np.random.seed(0)
    results = TRANSFORMS.build(dict(type='HueSafeColorJitter', hue=0.1))(
        dict(imgs=list(imgs)))
    assert len(results['imgs']) == 3
    assert results['imgs'][0].dtype == np.uint8


def test_mmaction_hue_shift_still_overflows():
    """MMAction2 1.2.0 adds a negative Python int to a uint8 array, which
    numpy >= 2 refuses. Fails once MMAction2 (or numpy) fixes it: then
    ``HueSafeColorJitter`` can go."""
    if np.lib.NumpyVersion(np.__version__) < '2.0.0':
        pytest.skip('numpy 1 promotes instead of raising')
    img = np.full((2, 2, 3), 128, np.float32)
    with pytest.raises(OverflowError):
        ColorJitter.adjust_hue(img, -0.05)
