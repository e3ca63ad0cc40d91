# Copyright (c) mmvb contributors. All rights reserved.
import cv2
import numpy as np
from mmaction.datasets.transforms import ColorJitter


def test_color_jitter_hue_works_on_numpy2():
    """MMAction2 1.2.0 adds a negative Python int to a uint8 array, which
    numpy 2 refuses; the shim shifts the hue in int16."""
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(8, 8, 3)).astype(np.float32)
    for factor in (-0.05, 0.05, 0.5):
        out = ColorJitter.adjust_hue(img, factor)
        hsv = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_RGB2HSV)
        hsv[..., 0] = (hsv[..., 0].astype(int) + int(factor * 255)) % 180
        ref = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)
        np.testing.assert_array_equal(out, ref)
    np.random.seed(0)
    results = ColorJitter(hue=0.1)(dict(imgs=[img.astype(np.uint8)] * 2))
    assert results['imgs'][0].dtype == np.uint8
