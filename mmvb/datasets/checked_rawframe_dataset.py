# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.datasets import RawframeDataset
from mmaction.registry import DATASETS

from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class CheckedRawframeDataset(LoadErrorContextMixin, RawframeDataset):
    """MMAction2's ``RawframeDataset`` whose loading errors name the file.

    Identical to ``mmaction.datasets.RawframeDataset`` (same arguments and
    samples), except that an error raised while a sample is loaded gets a
    note naming the sample's file, its index and the annotation file (see
    :class:`~mmvb.datasets.LoadErrorContextMixin`). mmvb's configs use it
    in place of ``RawframeDataset``.
    """
