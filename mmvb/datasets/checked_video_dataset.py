# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS

from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class CheckedVideoDataset(LoadErrorContextMixin, VideoDataset):
    """MMAction2's ``VideoDataset`` whose loading errors name the file.

    Identical to ``mmaction.datasets.VideoDataset`` (same arguments and
    samples), except that an error raised while a sample is loaded gets a
    note naming the sample's file, its index and the annotation file (see
    :class:`~mmvb.datasets.LoadErrorContextMixin`). mmvb's configs use it
    in place of ``VideoDataset``.
    """
