# Copyright (c) mmvb contributors. All rights reserved.
"""DriPE (Guesdon et al., ICCV-W 2021) with driver key regions, the SBCD
pre-training set of DualScope."""
import os.path as osp
from typing import List, Optional

import numpy as np
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.fileio import load

from .driver_regions import REGION_NAMES, RegionTokenCache


@DATASETS.register_module()
class DriPEDataset(BaseDataset):
    """In-car images with head / left-hand / right-hand boxes and their
    cached SAM tokens.

    Reads the box file of ``tools/dualscope/extract_keypoints.py`` and the
    token cache of ``tools/dualscope/extract_sam_tokens.py`` (formats in
    :mod:`mmvb.datasets.driver_regions`); images are matched to tokens by
    ``img_path``. A region is valid when both files say so; images with
    fewer than ``min_valid_regions`` valid regions are skipped. The boxes of
    the two files must agree on valid regions (the tokens were computed
    from those prompts), otherwise loading fails.

    Example of the box file::

        {"metainfo": {"regions": ["head", "left_hand", "right_hand"]},
         "data_list": [{"img_path": "A/0001.jpg", "width": 640,
                        "height": 480,
                        "boxes": [[300, 40, 380, 130], [150, 260, 230, 330],
                                  [420, 250, 500, 320]],
                        "valid": [true, true, true]}]}

    Each data info has ``img_path``, ``img_id``, ``gt_bboxes`` (``[3, 4]``
    float32 pixels, transformed by resizing transforms), ``region_tokens``
    (``[3, C]`` float32) and ``region_valid`` (``[3]`` bool).

    Args:
        ann_file (str): Box file (relative to ``data_root`` if relative).
        token_file (str): Token cache ``.npz`` (same rule).
        data_root (str): Root of the files. Defaults to ''.
        data_prefix (dict): ``img`` prefix of image paths.
            Defaults to ``dict(img='')``.
        min_valid_regions (int): Skip images with fewer valid regions.
            Defaults to 1.
        box_tolerance (float): Allowed difference, in pixels, between the
            boxes of the two files. Defaults to 1.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments
            (``pipeline``, ``test_mode``, ``indices``, ...).
    """

    METAINFO = dict(regions=REGION_NAMES)

    def __init__(self,
                 ann_file: str,
                 token_file: str,
                 data_root: str = '',
                 data_prefix: Optional[dict] = None,
                 min_valid_regions: int = 1,
                 box_tolerance: float = 1.0,
                 **kwargs) -> None:
        if token_file and data_root and not osp.isabs(token_file):
            token_file = osp.join(data_root, token_file)
        self.token_file = token_file
        self.min_valid_regions = min_valid_regions
        self.box_tolerance = box_tolerance
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix or dict(img=''),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Join the box file with the token cache."""
        annotations = load(self.ann_file)
        if not isinstance(annotations, dict) or \
                'data_list' not in annotations:
            raise TypeError(f'{self.ann_file} is not a region-box file '
                            '(a dict with "metainfo" and "data_list")')
        regions = tuple(
            annotations.get('metainfo', {}).get('regions', REGION_NAMES))
        if regions != REGION_NAMES:
            raise ValueError(f'{self.ann_file} has regions {regions}, '
                             f'expected {REGION_NAMES}')
        cache = RegionTokenCache(self.token_file)
        missing = [
            item['img_path'] for item in annotations['data_list']
            if item['img_path'] not in cache
        ]
        if missing:
            raise KeyError(
                f'{len(missing)} images of {self.ann_file} have no tokens '
                f'in {self.token_file} (first: {missing[0]!r}); run '
                'tools/dualscope/extract_sam_tokens.py on this box file')
        img_root = self.data_prefix.get('img', '')
        data_list = []
        for item in annotations['data_list']:
            cached = cache.get(item['img_path'])
            boxes = np.asarray(item['boxes'], dtype=np.float32).reshape(3, 4)
            valid = np.asarray(item['valid'], dtype=bool) & cached['valid']
            diff = np.abs(boxes - cached['boxes'])[valid]
            if diff.size and diff.max() > self.box_tolerance:
                raise ValueError(
                    f'boxes of {item["img_path"]!r} differ between '
                    f'{self.ann_file} and {self.token_file} by '
                    f'{diff.max():.1f} px; re-extract the SAM tokens')
            if valid.sum() < self.min_valid_regions:
                continue
            data_list.append(
                dict(
                    img_path=osp.join(img_root, item['img_path']),
                    img_id=item['img_path'],
                    gt_bboxes=boxes,
                    region_tokens=cached['tokens'],
                    region_valid=valid))
        if not data_list:
            raise ValueError(f'no image of {self.ann_file} has at least '
                             f'{self.min_valid_regions} valid regions')
        return data_list
