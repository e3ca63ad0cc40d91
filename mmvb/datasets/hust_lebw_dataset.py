# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmaction.utils import ConfigType

from .annotation_io import AnnotationError
from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class HUSTLEBWDataset(LoadErrorContextMixin, BaseActionDataset):
    """HUST-LEBW trimmed eyeblink samples (Hu et al., TIFS 2020).

    Reads the list files of the pre-processed release used by the
    ``blink_eyelid`` code (``<data_root>/check/gt_blink_<eye>.txt`` and
    ``gt_non_blink_<eye>.txt``). Each line is one sample: its label
    (1 = blink) and the paths of its frames relative to ``data_root``,
    e.g.::

        1 check/<movie>/<sample>/10/1.bmp ... check/<movie>/<sample>/10/10.bmp

    The images read are the InsightFace face crops stored next to them
    (``1face.bmp`` for ``1.bmp``); frames of a sample share a folder and
    are named by their index. ``eye`` picks the lists (``'left'``,
    ``'right'``: eyes on that side of the image; ``'both'`` reads both,
    one sample per (clip, eye), as InstBlink does not tell the eyes apart).

    Every sample is a clip with one face track covering the whole crop.
    HUST-LEBW labels samples, not frames; for training, every frame of a
    blink sample is a blink frame (an approximation of ours: the paper
    does not say how it trained on HUST-LEBW). The sample label is kept as
    ``blink_label`` for :class:`~mmvb.evaluation.HUSTLEBWMetric`.

    Args:
        ann_file (str): The dataset root (holding ``check/``).
        pipeline (list[dict | callable]): Processing pipeline.
        eye (str): ``'left'``, ``'right'`` or ``'both'``.
            Defaults to ``'left'``.
        test_mode (bool): Testing. Defaults to False.
        **kwargs: :class:`mmaction.datasets.BaseActionDataset` arguments.
    """

    METAINFO = dict(classes=('person_face', ))

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[ConfigType, Callable]],
                 eye: str = 'left',
                 test_mode: bool = False,
                 **kwargs) -> None:
        assert eye in ('left', 'right', 'both'), \
            f'eye must be left, right or both, got {eye!r}'
        self.eye = eye
        super().__init__(
            ann_file, pipeline=pipeline, test_mode=test_mode, **kwargs)

    @staticmethod
    def parse_line(line: str,
                   root: str,
                   path: str = '<list>',
                   lineno: Optional[int] = None) -> Dict:
        """One list line -> frame folder, indices and label.

        Raises:
            AnnotationError: A label other than 0/1, no frames, frames in
                several folders or a frame not named ``<n>.bmp``, naming
                ``path`` and ``lineno``.
        """
        fields = line.split()
        where = dict(line=lineno, row=line)
        if not fields or fields[0] not in ('0', '1'):
            raise AnnotationError(
                path,
                'a line starts with its label, 0 or 1',
                column=1,
                **where)
        label, paths = int(fields[0]), fields[1:]
        if not paths:
            raise AnnotationError(path, 'no frames after the label', **where)
        folders = {osp.dirname(p) for p in paths}
        if len(folders) != 1:
            raise AnnotationError(
                path, f'the frames of a sample share a folder, got '
                f'{sorted(folders)}', **where)
        inds = []
        for k, frame in enumerate(paths, 2):
            match = re.fullmatch(r'(\d+)\.bmp', osp.basename(frame))
            if match is None:
                raise AnnotationError(
                    path,
                    f'{frame!r} is not a <n>.bmp frame',
                    column=k,
                    **where)
            inds.append(int(match.group(1)))
        return dict(
            frame_dir=osp.join(root, folders.pop()),
            filename_tmpl='{}face.bmp',
            frame_inds=np.array(inds),
            blink_label=label)

    def load_data_list(self) -> List[Dict]:
        """Read the blink and non-blink lists of the chosen eye(s)."""
        eyes: Sequence[str] = ('left', 'right') if self.eye == 'both' \
            else (self.eye, )
        data_list = []
        for eye in eyes:
            for kind in ('blink', 'non_blink'):
                path = osp.join(self.ann_file, 'check', f'gt_{kind}_{eye}.txt')
                with open(path) as f:
                    lines = [(i, ln.strip()) for i, ln in enumerate(f, 1)
                             if ln.strip()]
                for lineno, line in lines:
                    info = self.parse_line(line, self.ann_file, path, lineno)
                    t = len(info['frame_inds'])
                    info.update(
                        eye=eye,
                        sample_index=len(data_list),
                        gt_bboxes=np.tile(
                            np.array([0, 0, 1, 1], np.float32), (1, t, 1)),
                        gt_valid=np.ones((1, t), bool),
                        gt_blinks=np.full((1, t), float(info['blink_label']),
                                          np.float32),
                        gt_labels=np.zeros(1, np.int64),
                        gt_ids=np.array([len(data_list) + 1]))
                    data_list.append(info)
        return data_list
