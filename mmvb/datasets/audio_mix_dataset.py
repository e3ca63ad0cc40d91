# Copyright (c) mmvb contributors. All rights reserved.
import copy
from typing import Dict, List, Sequence, Union

from mmaction.registry import DATASETS, TRANSFORMS
from mmengine.dataset import BaseDataset


@DATASETS.register_module()
class AudioMixDataset:
    """Wrapper for transforms that mix several samples (waveform mixup).

    The wrapped dataset's own pipeline loads a sample (e.g. ``LoadAudio``);
    this wrapper's ``pipeline`` then runs on it. Before a transform that
    has ``get_indexes(dataset)`` (e.g. :class:`WaveformMixup`), the wrapper
    loads those samples through the wrapped dataset and passes them as
    ``results['mix_results']`` (the pattern of mmdet's
    ``MultiImageMixDataset``).

    Args:
        dataset (dict | BaseDataset): The dataset (config) to wrap.
        pipeline (Sequence[dict]): Transforms applied after the dataset's.
    """

    def __init__(self, dataset: Union[Dict, BaseDataset],
                 pipeline: Sequence[Dict]) -> None:
        self.dataset = DATASETS.build(dataset) if isinstance(dataset,
                                                             dict) else dataset
        self.pipeline: List = [
            TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline
        ]

    @property
    def metainfo(self) -> Dict:
        """The wrapped dataset's meta information."""
        return copy.deepcopy(self.dataset.metainfo)

    def full_init(self) -> None:
        """Fully initialise the wrapped dataset."""
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()

    def get_data_info(self, idx: int) -> Dict:
        """Annotation of sample ``idx`` of the wrapped dataset."""
        return self.dataset.get_data_info(idx)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, idx: int) -> Dict:
        results = copy.deepcopy(self.dataset[idx])
        for transform in self.pipeline:
            if hasattr(transform, 'get_indexes'):
                indexes = transform.get_indexes(self.dataset)
                results['mix_results'] = [
                    copy.deepcopy(self.dataset[i]) for i in indexes
                ]
            results = transform(results)
            results.pop('mix_results', None)
        return results
