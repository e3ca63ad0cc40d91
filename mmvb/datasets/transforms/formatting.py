# Copyright (c) mmvb contributors. All rights reserved.
from typing import Sequence

from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackMPEblinkInputs(PackActionInputs):
    """Pack a clip and its face tracklets (``PackActionInputs`` + fields).

    ``inputs`` are the clip's frames ``[T, 3, H, W]`` (after
    ``FormatShape('NCHW')``). When ``gt_bboxes`` is present (training) the
    data sample's ``gt_instances`` holds ``bboxes [G, T, 4]`` (pixel
    ``xyxy``), ``labels [G]``, ``valid [G, T]``, ``blinks [G, T]`` and
    ``ids [G]``.

    Args:
        meta_keys (Sequence[str]): Keys stored in the data sample's
            metainfo. Defaults to the image and clip keys used by
            InstBlink and :class:`~mmvb.evaluation.MPEblinkMetric`.
    """

    mapping_table = {
        'gt_bboxes': 'bboxes',
        'gt_labels': 'labels',
        'gt_valid': 'valid',
        'gt_blinks': 'blinks',
        'gt_ids': 'ids',
    }

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_shape', 'original_shape',
                                             'scale_factor', 'flip',
                                             'video_id', 'frame_inds',
                                             'clip_start', 'clip_index',
                                             'num_clips', 'video_length',
                                             'num_frames'),
                 **kwargs) -> None:
        super().__init__(meta_keys=meta_keys, **kwargs)
