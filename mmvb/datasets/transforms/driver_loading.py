# Copyright (c) mmvb contributors. All rights reserved.
"""Loading transforms for :class:`mmvb.datasets.DriverActivityDataset`."""
from typing import Dict

import mmcv
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.fileio import get


@TRANSFORMS.register_module()
class SampleAllFrames(BaseTransform):
    """Take every frame of the sample, in order, as one clip (feature
    extraction runs the encoder once per frame).

    Required keys: ``total_frames``, ``start_index``. Added keys:
    ``frame_inds``, ``clip_len`` (= ``total_frames``), ``frame_interval``
    (1), ``num_clips`` (1).
    """

    def transform(self, results: Dict) -> Dict:
        total = results['total_frames']
        results['frame_inds'] = np.arange(total) + results['start_index']
        results['clip_len'] = total
        results['frame_interval'] = 1
        results['num_clips'] = 1
        return results


@TRANSFORMS.register_module()
class DecodeDriverClip(BaseTransform):
    """Read the sampled frames of a driver-activity sample as RGB images.

    Maps the sampler's ``frame_inds`` (positions ``0..total_frames-1`` in
    the sample) to video frames (``start_frame + i * frame_stride``, decoded
    with decord), frame files (``frames[i]`` in the folder ``filename``) or
    the single image ``filename``.

    Required keys: ``filename``, ``source``, ``frame_inds`` and, per source,
    ``start_frame`` / ``frame_stride`` or ``frames``. Added keys: ``imgs``
    (list of ``[H, W, 3]`` uint8 RGB), ``original_shape``, ``img_shape``.
    """

    def _read_image(self, path: str) -> np.ndarray:
        return mmcv.imfrombytes(get(path), channel_order='rgb')

    def transform(self, results: Dict) -> Dict:
        inds = np.asarray(results['frame_inds']).reshape(-1)
        inds = inds - results.get('start_index', 0)
        source = results['source']
        path = results['filename']
        if source == 'video':
            import decord
            absolute = results.get('start_frame',
                                   0) + inds * results.get('frame_stride', 1)
            reader = decord.VideoReader(path, num_threads=1)
            absolute = np.clip(absolute, 0, len(reader) - 1)
            unique, inverse = np.unique(absolute, return_inverse=True)
            frames = reader.get_batch(unique.tolist()).asnumpy()
            imgs = [frames[i] for i in inverse.reshape(-1)]
        elif source == 'frames':
            names = results['frames']
            cache = {}
            imgs = []
            for i in inds.tolist():
                if i not in cache:
                    cache[i] = self._read_image(f'{path}/{names[i]}')
                imgs.append(cache[i])
        elif source == 'image':
            img = self._read_image(path)
            imgs = [img for _ in inds]
        else:
            raise ValueError(f'unknown source {source!r}')
        results['imgs'] = imgs
        results['original_shape'] = imgs[0].shape[:2]
        results['img_shape'] = imgs[0].shape[:2]
        return results


@TRANSFORMS.register_module()
class LoadClipFeatures(BaseTransform):
    """Gather cached per-frame features at the sampled positions.

    Reads ``feature_path`` (``[total_frames, C]``, from
    ``tools/dualscope/extract_features.py``; memory-mapped) and stores the
    rows at ``frame_inds`` as ``imgs``, shaped ``[num_clips, clip_len, C]``
    float32 -- the key ``PackActionInputs`` packs as the model input.

    Required keys: ``feature_path``, ``frame_inds``, ``num_clips``,
    ``clip_len``. Added key: ``imgs``.
    """

    def transform(self, results: Dict) -> Dict:
        feats = np.load(results['feature_path'], mmap_mode='r')
        inds = np.asarray(results['frame_inds']).reshape(-1)
        inds = np.clip(inds - results.get('start_index', 0), 0,
                       feats.shape[0] - 1)
        clip = np.asarray(feats[inds], dtype=np.float32)
        results['imgs'] = clip.reshape(results['num_clips'],
                                       results['clip_len'], -1)
        return results
