# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
from typing import Callable, List, Optional, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmaction.utils import ConfigType

from .act_gt import load_act_gt
from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class ActionTubeDataset(LoadErrorContextMixin, BaseActionDataset):
    """Key frames of a dataset annotated with action tubes (ACT format).

    UCF101-24 and JHMDB51-21 come with one ground-truth pickle (see
    :mod:`mmvb.datasets.act_gt`) and frame folders ``<root>/<video>/00001.jpg``
    (``.png`` for JHMDB). Every frame of a video is a key frame, so each
    sample is one frame with the boxes of the tubes that cover it. Samples
    look like MMAction2's ``AVADataset`` samples (``frame_dir``,
    ``video_id``, ``timestamp`` = 1-based frame number, ``img_key``,
    ``gt_bboxes`` normalised ``[n, 4]``, multi-hot ``gt_labels``
    ``[n, num_classes]`` with column ``k`` for ``labels[k - 1]``,
    ``total_frames``), so the AVA transforms (``SampleAVAFrames``,
    ``RawFrameDecode``, ...) and :class:`~mmvb.models.BMViTLocalizer` work
    unchanged. ``SampleAVAFrames`` adds ``start_index`` to the centre index
    and again to the frame indices; ``timestamp_start = 1 + start_index``
    makes the centre of every clip the key frame's own file, and
    ``total_frames`` keeps clips inside the video (clamped at its ends).

    Args:
        ann_file (str): Ground-truth pickle.
        pipeline (list[dict | callable]): Data transforms.
        split (int): Index into the pickle's ``train_videos`` /
            ``test_videos`` (JHMDB has 3 splits, UCF101-24 one).
            Defaults to 0.
        data_prefix (dict): ``img``: the frame root. Defaults to
            ``dict(img='')``.
        filename_tmpl (str): Frame file name. Defaults to ``'{:05}.jpg'``.
        frame_stride (int): Use every ``frame_stride``-th frame of a video
            (frames ``1, 1 + k, ...``). Defaults to 1.
        annotated_only (bool, optional): Keep only frames with at least one
            box. Defaults to None: True for training, False in test mode
            (frame-mAP counts detections in frames without actors).
        test_mode (bool): Use ``test_videos``. Defaults to False.
        start_index (int): Index of the first frame file. Defaults to 1.
        num_classes (int, optional): Classes including the background
            column 0; checked against the pickle when given.
        **kwargs: Other ``BaseActionDataset`` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[ConfigType, Callable]],
                 split: int = 0,
                 data_prefix: ConfigType = dict(img=''),
                 filename_tmpl: str = '{:05}.jpg',
                 frame_stride: int = 1,
                 annotated_only: Optional[bool] = None,
                 test_mode: bool = False,
                 start_index: int = 1,
                 num_classes: Optional[int] = None,
                 **kwargs) -> None:
        assert frame_stride >= 1, 'frame_stride must be at least 1'
        self.gt = load_act_gt(ann_file)
        expected = len(self.gt['labels']) + 1
        assert num_classes in (None, expected), \
            f'num_classes must be {expected} (labels + background) for ' \
            f'{ann_file}, got {num_classes}'
        self.split = split
        self.filename_tmpl = filename_tmpl
        self.frame_stride = frame_stride
        self.annotated_only = (not test_mode
                               if annotated_only is None else annotated_only)
        super().__init__(
            ann_file,
            pipeline=pipeline,
            data_prefix=data_prefix,
            test_mode=test_mode,
            num_classes=expected,
            start_index=start_index,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """One sample per (video, frame) of the split."""
        videos = self.gt['test_videos' if self.test_mode else 'train_videos'][
            self.split]
        data_list = []
        for video in videos:
            num_frames = int(self.gt['nframes'][video])
            height, width = self.gt['resolution'][video]
            scale = np.array([width, height, width, height], np.float32)
            frames = {}  # frame -> list of (box, label, tube id)
            tube_id = 0
            for label, tubes in sorted(self.gt['gttubes'][video].items()):
                for tube in tubes:
                    for row in np.asarray(tube, dtype=np.float32):
                        frames.setdefault(int(row[0]), []).append(
                            (row[1:5] / scale, int(label) + 1, tube_id))
                    tube_id += 1
            for frame in range(1, num_frames + 1, self.frame_stride):
                instances = frames.get(frame, [])
                if self.annotated_only and not instances:
                    continue
                boxes = np.zeros((len(instances), 4), np.float32)
                labels = np.zeros((len(instances), self.num_classes),
                                  np.float32)
                for i, (box, label, _) in enumerate(instances):
                    boxes[i] = box.clip(0, 1)
                    labels[i, label] = 1.0
                data_list.append(
                    dict(
                        frame_dir=osp.join(self.data_prefix['img'], video),
                        video_id=video,
                        timestamp=frame,
                        img_key=f'{video},{frame:05d}',
                        total_frames=num_frames,
                        shot_info=(0, num_frames),
                        fps=1,
                        timestamp_start=1 + self.start_index,
                        filename_tmpl=self.filename_tmpl,
                        gt_bboxes=boxes,
                        gt_labels=labels,
                        entity_ids=np.array([i[2] for i in instances],
                                            dtype=np.int64)))
        return data_list
