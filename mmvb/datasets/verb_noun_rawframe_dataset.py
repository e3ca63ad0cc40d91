# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
from typing import List

from mmaction.datasets import RawframeDataset
from mmaction.registry import DATASETS
from mmengine.fileio import exists, list_from_file

from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class VerbNounRawframeDataset(LoadErrorContextMixin, RawframeDataset):
    """Rawframe dataset whose label is a ``(verb, noun)`` pair.

    For EPIC-Kitchens action segments (W3 Table 4). The annotation file is
    MMAction2's rawframe list with two labels per line; with
    ``with_offset=True`` (segments of long videos) each line is

    .. code-block:: none

        P01/P01_01 8 57 3 10
        <frame_dir> <offset> <total_frames> <verb> <noun>

    and the frames read are ``offset + start_index ... offset + start_index
    + total_frames - 1``. Lines without labels (test sets) get
    ``[-1, -1]``. ``label`` is ``[verb, noun]``, which ``PackActionInputs``
    turns into ``gt_label = LongTensor([verb, noun])`` for
    :class:`~mmvb.models.VerbNounHead` and
    :class:`~mmvb.evaluation.VerbNounActionMetric`.

    Args:
        ann_file (str): Annotation file.
        pipeline (list): Processing pipeline.
        **kwargs: :class:`RawframeDataset` arguments (``data_prefix``,
            ``filename_tmpl``, ``with_offset``, ``start_index``, ...);
            ``multi_class`` must stay False.
    """

    def __init__(self, ann_file: str, pipeline: list, **kwargs) -> None:
        if kwargs.get('multi_class', False):
            raise ValueError('VerbNounRawframeDataset labels are '
                             '(verb, noun) pairs; multi_class must be False')
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse the annotation file (see the class docstring)."""
        exists(self.ann_file)
        data_list = []
        for line in list_from_file(self.ann_file):
            items = line.split()
            if not items:
                continue
            # frame_dir, [offset,] total_frames, then no label or two
            fixed = 3 if self.with_offset else 2
            if len(items) not in (fixed, fixed + 2):
                raise ValueError(f'{self.ann_file}: expected "frame_dir '
                                 f'{"offset " if self.with_offset else ""}'
                                 f'total_frames [verb noun]", got {line!r}')
            frame_dir = items[0]
            if self.data_prefix['img'] is not None:
                frame_dir = osp.join(self.data_prefix['img'], frame_dir)
            info = dict(frame_dir=frame_dir)
            rest = [int(x) for x in items[1:]]
            if self.with_offset:
                info['offset'] = rest.pop(0)
            info['total_frames'] = rest.pop(0)
            info['label'] = rest if rest else [-1, -1]
            data_list.append(info)
        return data_list
