# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
from typing import Callable, Dict, List, Union

from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmengine.utils import check_file_exist

from .load_error_context import LoadErrorContextMixin


@DATASETS.register_module()
class EpicKitchensAudioDataset(LoadErrorContextMixin, BaseActionDataset):
    """EPIC-Kitchens-100 action segments cut from untrimmed audio.

    Each line of ``ann_file`` (written by
    ``tools/data/epic_kitchens_100/build_audio_list.py``) is one segment:
    the audio of the whole video, the segment's start and stop time in
    seconds, and its verb and noun classes::

        audio/P01_101.wav 0.14 3.37 0 10
        audio/P01_101.wav 3.17 5.03 1 5

    Produces ``audio_path``, ``audio_start``, ``audio_stop`` (read by
    :class:`mmvb.datasets.transforms.LoadAudio`) and ``label = [verb,
    noun]`` (the :class:`mmvb.models.VerbNounHead` convention). A noun of
    ``-1`` marks a validation segment whose noun has no training sample
    (it can never be predicted and counts as wrong).

    Args:
        ann_file (str): Annotation list.
        pipeline (list[dict | callable]): Transforms.
        data_prefix (dict): ``dict(audio=root)`` joined to the paths.
            Defaults to ``dict(audio='')``.
        kwargs: Other ``BaseActionDataset`` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 data_prefix: Dict = dict(audio=''),
                 **kwargs) -> None:
        super().__init__(
            ann_file,
            pipeline,
            data_prefix=data_prefix,
            modality='Audio',
            **kwargs)

    def load_data_list(self) -> List[Dict]:
        """Parse ``ann_file``."""
        check_file_exist(self.ann_file)
        data_list = []
        with open(self.ann_file) as f:
            for line in f:
                if not line.strip():
                    continue
                path, start, stop, verb, noun = line.split()
                if self.data_prefix.get('audio'):
                    path = osp.join(self.data_prefix['audio'], path)
                data_list.append(
                    dict(
                        audio_path=path,
                        audio_start=float(start),
                        audio_stop=float(stop),
                        label=[int(verb), int(noun)]))
        return data_list
