# Copyright (c) mmvb contributors. All rights reserved.
from typing import Sequence

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmaction.structures import ActionDataSample
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class PackRegionInputs(BaseTransform):
    """Pack an image and its key regions for :class:`SBCDPretrainer`.

    Required keys: ``img`` (``H x W x 3`` uint8), ``gt_bboxes``
    (``[R, 4]`` pixels of ``img``, i.e. after resizing), ``region_tokens``
    (``[R, C]``) and ``region_valid`` (``[R]``).

    Output: ``inputs`` (``[3, H, W]`` uint8 tensor, channel order of
    ``img``) and ``data_samples`` (:class:`ActionDataSample` with the
    fields ``region_boxes`` float32, ``region_tokens`` float32 and
    ``region_valid`` bool, plus ``meta_keys`` as metainfo).

    Args:
        meta_keys (Sequence[str]): Metainfo keys copied when present.
    """

    def __init__(
        self,
        meta_keys: Sequence[str] = ('img_id', 'img_path', 'ori_shape',
                                    'img_shape', 'scale_factor')
    ) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        img = np.ascontiguousarray(results['img'])
        if img.ndim == 2:
            img = img[..., None]
        inputs = torch.from_numpy(img).permute(2, 0, 1).contiguous()
        sample = ActionDataSample()
        sample.set_field(
            torch.as_tensor(
                np.asarray(results['gt_bboxes'], dtype=np.float32)),
            'region_boxes')
        sample.set_field(
            torch.as_tensor(
                np.asarray(results['region_tokens'], dtype=np.float32)),
            'region_tokens')
        sample.set_field(
            torch.as_tensor(np.asarray(results['region_valid'], dtype=bool)),
            'region_valid')
        sample.set_metainfo(
            {k: results[k]
             for k in self.meta_keys if k in results})
        return dict(inputs=inputs, data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
