# Copyright (c) mmvb contributors. All rights reserved.
import cv2
import numpy as np
from mmaction.datasets.transforms import ColorJitter
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class HueSafeColorJitter(ColorJitter):
    """MMAction2's ``ColorJitter`` with its hue shift computed in int16.

    ``mmaction2 1.2.0``'s ``ColorJitter.adjust_hue`` adds a possibly
    negative Python ``int`` to the ``uint8`` hue channel; numpy >= 2
    (NEP 50) raises ``OverflowError`` for negative offsets instead of
    promoting to a wider type as numpy 1 did. Here the channel is shifted in
    ``int16`` before the ``% 180``: numpy 1's result for negative offsets,
    and without numpy 1's ``uint8`` wrap-around for positive offsets that
    push the hue past 255. Everything else (arguments, the random order and
    factors of the four adjustments, one set of factors per clip) is
    MMAction2's. mmvb's configs use it in place of ``ColorJitter``.
    *Remove when* MMAction2 computes the hue shift in a wider type.

    Args: as ``mmaction.datasets.transforms.ColorJitter`` (``brightness``,
        ``contrast``, ``saturation``, ``hue``).
    """

    @staticmethod
    def adjust_hue(img: np.ndarray, factor: float) -> np.ndarray:
        """Shift the hue of an RGB image by ``int(factor * 255)``.

        Args:
            img (np.ndarray): ``[H, W, 3]`` RGB image (any dtype; clipped to
                ``[0, 255]`` and converted to ``uint8``).
            factor (float): Hue offset as a fraction of 255
                (``[-0.5, 0.5]``).

        Returns:
            np.ndarray: ``[H, W, 3]`` float32 RGB image.
        """
        img = np.clip(img, 0, 255).astype(np.uint8)
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
        offset = int(factor * 255)
        hsv[..., 0] = (hsv[..., 0].astype(np.int16) + offset) % 180
        img = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
        return img.astype(np.float32)
