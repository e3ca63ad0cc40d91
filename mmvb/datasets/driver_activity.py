# Copyright (c) mmvb contributors. All rights reserved.
"""One annotation format for driver-activity clips and images.

Used by DualScope's seven distracted-driving datasets (SAM-DD, SynDD1, AIDE,
DMD, 3MDAD, StateFarm, AUC-v1; converters in ``tools/data/<name>/``) and by
the synthetic driver-activity set. One JSON file per dataset holds every
sample and the cross-validation folds of its protocol, in mmengine's
``metainfo`` / ``data_list`` layout:

.. code-block:: none

    {"metainfo": {
        "dataset": "AIDE",
        "classes": ["Smoking", "Making Phone", ...],
        "protocol": "official 65/15/20 split (sample level)",
        "split_by": "subject",            # or "id": folds list sample ids
        "folds": [{"train": ["p002", ...], "val": [...], "test": [...]},
                  ...]},
     "data_list": [
        {"id": "aide_0001", "subject": "0001", "label": 4,
         "source": "frames", "path": "AIDE_Dataset/0001/incarframes",
         "frames": ["0.jpg", "1.jpg", ...]},
        {"id": "syndd1_19332_dashboard_5_003", "subject": "19332",
         "label": 6, "source": "video",
         "path": "user_id_19332/Dashboard_user_id_19332_NoAudio_5.MP4",
         "start_frame": 1230, "num_frames": 23, "frame_stride": 30},
        {"id": "statefarm_img_100026", "subject": "p002", "label": 3,
         "source": "image", "path": "imgs/train/c3/img_100026.jpg"}]}

A sample is a sequence of ``num_frames`` frames, indexed ``0..num_frames-1``
by the samplers (mmaction2's ``UniformSample`` / ``SampleFrames``):

* ``"video"``: frame ``i`` is video frame ``start_frame + i * frame_stride``
  (``start_frame`` 0 and ``frame_stride`` 1 by default; ``num_frames``
  required);
* ``"frames"``: frame ``i`` is the image ``path/frames[i]``;
* ``"image"``: one frame (image datasets run as 1-frame clips).

Paths are relative to ``data_prefix['video']``. ``id`` must be unique and
file-name safe: cached features are stored as ``<feature_root>/<id>.npy``
(``[num_frames, C]``, written by ``tools/dualscope/extract_features.py``).
"""
import json
import os
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmaction.utils import ConfigType
from mmengine.fileio import load

from .load_error_context import LoadErrorContextMixin

SOURCES = ('video', 'frames', 'image')
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


@DATASETS.register_module()
class DriverActivityDataset(LoadErrorContextMixin, BaseActionDataset):
    """Driver-activity clips and images in mmvb's annotation format (see
    :mod:`mmvb.datasets.driver_activity`).

    Args:
        ann_file (str): The annotation JSON.
        pipeline (list): Data transforms: a sampler (e.g.
            ``UniformSample``), then :class:`DecodeDriverClip` for frames or
            :class:`LoadClipFeatures` for cached features.
        data_prefix (dict): ``video``: root of the relative sample paths.
            Defaults to ``dict(video='')``.
        fold (int): Cross-validation fold of the protocol. Defaults to 0.
        split (str, optional): ``'train'``, ``'val'`` or ``'test'`` of that
            fold; None keeps every sample (feature extraction).
            Defaults to None.
        feature_root (str, optional): Folder of cached per-frame features
            (``<id>.npy``); sets ``feature_path``. Defaults to None.
        test_mode (bool): Defaults to False.
        kwargs: Other :class:`mmaction.datasets.BaseActionDataset`
            arguments.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[ConfigType, Callable]],
                 data_prefix: ConfigType = dict(video=''),
                 fold: int = 0,
                 split: Optional[str] = None,
                 feature_root: Optional[str] = None,
                 test_mode: bool = False,
                 **kwargs) -> None:
        self.fold = int(fold)
        self.split = split
        self.feature_root = feature_root
        super().__init__(
            ann_file,
            pipeline=pipeline,
            data_prefix=data_prefix,
            test_mode=test_mode,
            **kwargs)

    def _selected_keys(self, metainfo: dict) -> Optional[set]:
        if self.split is None:
            return None
        folds = metainfo.get('folds') or []
        if not 0 <= self.fold < len(folds):
            raise ValueError(f'{self.ann_file} has {len(folds)} folds; '
                             f'fold {self.fold} does not exist')
        if self.split not in folds[self.fold]:
            raise ValueError(f'fold {self.fold} of {self.ann_file} has no '
                             f'{self.split!r} split; it has '
                             f'{sorted(folds[self.fold])}')
        return {str(k) for k in folds[self.fold][self.split]}

    def load_data_list(self) -> List[dict]:
        """Load the samples of ``split`` of ``fold``."""
        annotations = load(self.ann_file)
        metainfo = annotations['metainfo']
        for key, value in metainfo.items():
            if key != 'folds':
                self._metainfo.setdefault(key, value)
        keep = self._selected_keys(metainfo)
        key_field = 'id' if metainfo.get('split_by') == 'id' else 'subject'
        root = self.data_prefix.get('video', '')
        data_list = []
        for item in annotations['data_list']:
            if keep is not None and str(item[key_field]) not in keep:
                continue
            data_list.append(self._parse(item, root))
        return data_list

    def _parse(self, item: dict, root: str) -> dict:
        source = item['source']
        if source not in SOURCES:
            raise ValueError(f'unknown source {source!r} of sample '
                             f'{item["id"]}; use one of {SOURCES}')
        info = dict(
            sample_id=item['id'],
            subject=str(item.get('subject', '')),
            label=int(item['label']),
            source=source,
            filename=osp.join(root, item['path']))
        if source == 'video':
            info.update(
                total_frames=int(item['num_frames']),
                start_frame=int(item.get('start_frame', 0)),
                frame_stride=int(item.get('frame_stride', 1)))
        elif source == 'frames':
            info.update(
                frames=list(item['frames']), total_frames=len(item['frames']))
        else:
            info.update(total_frames=1)
        if self.feature_root is not None:
            info['feature_path'] = osp.join(self.feature_root,
                                            item['id'] + '.npy')
        return info

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with ``start_index`` 0: sampled frame indices are
        positions in the sample (see the module docstring)."""
        info = super().get_data_info(idx)
        info['start_index'] = 0
        return info


def make_subject_folds(
        subjects: Sequence[str],
        num_folds: int,
        test_size: Optional[int] = None,
        first_test: Optional[Sequence[str]] = None) -> List[Dict]:
    """Subject-disjoint cross-validation folds.

    Fold ``k`` tests on its group of subjects and trains on all the others;
    ``val`` is the test group (the protocols that use this have no separate
    validation subjects). Groups: ``first_test`` (those present) is fold
    0's group; the remaining subjects, sorted, are cut into consecutive
    groups of ``test_size``, or, without ``test_size``, dealt round-robin
    into the remaining folds (every subject tested once).

    Args:
        subjects (Sequence[str]): All subject ids.
        num_folds (int): Number of folds.
        test_size (int, optional): Held-out subjects per fold.
            Defaults to None.
        first_test (Sequence[str], optional): Fold 0's held-out subjects.
            Defaults to None (none).

    Returns:
        list[dict]: ``[{'train': [...], 'val': [...], 'test': [...]}, ...]``.
    """
    subjects = sorted({str(s) for s in subjects})
    first = [s for s in first_test or () if s in subjects]
    rest = [s for s in subjects if s not in first]
    groups = [first] if first else []
    remaining = num_folds - len(groups)
    if test_size is not None:
        groups += [
            rest[i * test_size:(i + 1) * test_size] for i in range(remaining)
        ]
    else:
        groups += [rest[i::remaining] for i in range(remaining)]
    folds = []
    for group in groups:
        train = [s for s in subjects if s not in group]
        folds.append(dict(train=train, val=list(group), test=list(group)))
    return folds


def dump_driver_annotations(path: str,
                            dataset: str,
                            classes: Sequence[str],
                            data_list: List[dict],
                            folds: List[Dict],
                            protocol: str,
                            split_by: str = 'subject',
                            **extra_meta) -> dict:
    """Write an annotation JSON (see the module docstring).

    Args:
        path (str): Output file.
        dataset (str): Dataset name.
        classes (Sequence[str]): Class names, index = label.
        data_list (list[dict]): The samples.
        folds (list[dict]): ``train``/``val``/``test`` lists per fold.
        protocol (str): One line describing the protocol.
        split_by (str): ``'subject'`` or ``'id'``. Defaults to
            ``'subject'``.
        extra_meta: More ``metainfo`` entries.

    Returns:
        dict: A summary (samples per split of fold 0, number of folds).
    """
    assert split_by in ('subject', 'id'), split_by
    ids = [item['id'] for item in data_list]
    assert len(ids) == len(set(ids)), 'sample ids must be unique'
    for item in data_list:
        assert item['source'] in SOURCES, item
        assert 0 <= item['label'] < len(classes), item
    metainfo = dict(
        dataset=dataset,
        classes=list(classes),
        protocol=protocol,
        split_by=split_by,
        folds=folds,
        **extra_meta)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(metainfo=metainfo, data_list=data_list), f)
    key = 'id' if split_by == 'id' else 'subject'
    summary = dict(num_samples=len(data_list), num_folds=len(folds))
    if folds:
        for split, members in folds[0].items():
            members = {str(m) for m in members}
            summary[f'fold0_{split}'] = sum(
                str(item[key]) in members for item in data_list)
    return summary


def natural_key(name: str) -> list:
    """Sort key that orders ``'2.jpg'`` before ``'10.jpg'``."""
    return [
        int(t) if t.isdigit() else t.lower() for t in re.split(r'(\d+)', name)
    ]


def list_images(folder: str) -> List[str]:
    """Image file names in ``folder``, in natural order."""
    names = [
        n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTENSIONS)
        and osp.isfile(osp.join(folder, n))
    ]
    return sorted(names, key=natural_key)


def video_info(path: str) -> Tuple[int, float]:
    """``(number of frames, frames per second)`` of a video (decord)."""
    import decord
    reader = decord.VideoReader(path, num_threads=1)
    return len(reader), float(reader.get_avg_fps())


def window_clips(num_frames: int,
                 clip_frames: Optional[int],
                 min_frames: int = 1) -> List[Tuple[int, int]]:
    """Cut ``num_frames`` consecutive frames into non-overlapping windows of
    ``clip_frames`` (None or 0: one window); a last window shorter than
    ``min_frames`` is dropped. Returns ``(start, length)`` pairs."""
    if not clip_frames:
        return [(0, num_frames)] if num_frames >= min_frames else []
    return [(start, min(clip_frames, num_frames - start))
            for start in range(0, num_frames, clip_frames)
            if min(clip_frames, num_frames - start) >= min_frames]
