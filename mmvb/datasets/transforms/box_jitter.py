# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class GTBoxJitter(BaseTransform):
    """Randomly move the edges of the ground-truth boxes.

    The "jitter to the ground-truth bounding boxes" of BMViT's training
    recipe (Sec. 4; the amount is not given in the paper). Each edge of a
    box moves by ``U(-ratio, ratio)`` times the box width (left/right edges)
    or height (top/bottom edges), independently; the result is clipped to
    the image. Boxes are in pixels, so use it after ``RawFrameDecode`` and
    any resize.

    Required keys: ``gt_bboxes`` (``[n, 4]`` xyxy), ``img_shape``.
    Modified keys: ``gt_bboxes``.

    Args:
        ratio (float): Largest move of an edge, as a fraction of the box
            side. Defaults to 0.05.
    """

    def __init__(self, ratio: float = 0.05) -> None:
        assert ratio >= 0, 'ratio must be non-negative'
        self.ratio = ratio

    def transform(self, results: dict) -> dict:
        """Jitter ``results['gt_bboxes']``."""
        boxes = np.asarray(results['gt_bboxes'], dtype=np.float32)
        if len(boxes) == 0 or self.ratio == 0:
            return results
        h, w = results['img_shape']
        sides = np.tile(boxes[:, 2:] - boxes[:, :2], (1, 2))
        moves = np.random.uniform(-self.ratio, self.ratio, size=boxes.shape)
        boxes = boxes + moves.astype(np.float32) * sides
        x = np.sort(boxes[:, 0::2], axis=1).clip(0, w)
        y = np.sort(boxes[:, 1::2], axis=1).clip(0, h)
        results['gt_bboxes'] = np.stack((x[:, 0], y[:, 0], x[:, 1], y[:, 1]),
                                        axis=1).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(ratio={self.ratio})'
