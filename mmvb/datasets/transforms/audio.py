# Copyright (c) mmvb contributors. All rights reserved.
"""Waveform -> log-mel spectrogram transforms (AST / DATAR recipe).

A training pipeline (AST, ``YuanGongND/ast:src/dataloader.py``)::

    LoadAudio(sample_rate=16000)          # decode, mono, resample
    WaveformMixup(prob=0.5, ...)          # needs the AudioMixDataset wrapper
    KaldiFbank()                          # 128 log-mel bins, 10 ms hop
    PadCropFbank(target_length=1024)
    SpecAugment(freq_mask=48, time_mask=192)
    NormalizeFbank(mean=-4.27, std=4.57)  # (x - mean) / (2 std)
    FormatFbankShape()                    # audios [1, 1, F, T]
    PackActionInputs()

``CachedFbank`` wraps ``LoadAudio`` + ``KaldiFbank`` (or any transforms that
end in ``fbank``) and keeps their result on disk.
"""
import copy
import hashlib
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose

from mmvb.ops.fbank import AST_FBANK_ARGS, kaldi_fbank
from ..audio_io import load_audio


@TRANSFORMS.register_module()
class LoadAudio(BaseTransform):
    """Decode audio from an audio file or a video container.

    Required keys: ``audio_path``; optional ``audio_start`` and
    ``audio_stop`` (seconds: a segment of an untrimmed recording, e.g.
    EPIC-Kitchens). Added keys: ``audio`` (float32 ``[samples]``, mono)
    and ``sample_rate``.

    Args:
        sample_rate (int, optional): Resample to this rate; None keeps the
            file's. Defaults to 16000 (AST/DATAR).
        mono (bool): Average the channels. Defaults to True.
        backend (str): ``'auto'``, ``'soundfile'`` or ``'av'`` (see
            :func:`mmvb.datasets.audio_io.load_audio`). Defaults to
            ``'auto'``.
    """

    def __init__(self,
                 sample_rate: Optional[int] = 16000,
                 mono: bool = True,
                 backend: str = 'auto') -> None:
        self.sample_rate = sample_rate
        self.mono = mono
        self.backend = backend

    def transform(self, results: Dict) -> Dict:
        """Decode ``results['audio_path']``."""
        wave, sr = load_audio(
            results['audio_path'],
            sample_rate=self.sample_rate,
            start=results.get('audio_start'),
            stop=results.get('audio_stop'),
            mono=self.mono,
            backend=self.backend)
        results['audio'] = wave
        results['sample_rate'] = sr
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sample_rate={self.sample_rate}, '
                f'mono={self.mono}, backend={self.backend!r})')


@TRANSFORMS.register_module()
class WaveformMixup(BaseTransform):
    """AST's waveform mixup.

    With probability ``prob`` the waveform is mixed with that of another
    random sample: ``lam * w1 + (1 - lam) * w2`` with ``lam ~
    Beta(alpha, alpha)`` (``w2`` zero-padded or cut to ``w1``'s length),
    then re-centred (the mean is subtracted). Labels: ``'soft'`` gives
    ``lam * onehot(y1) + (1 - lam) * onehot(y2)`` (every sample, mixed or
    not, gets a float tensor of ``num_classes`` so batches stack);
    ``'dominant'`` keeps the label of the larger share (what AST's
    cross-entropy training effectively uses; works for any label, e.g.
    EPIC's ``[verb, noun]``).

    Used inside :class:`mmvb.datasets.AudioMixDataset`, which loads the
    other sample (``mix_results``) through the inner dataset's pipeline.

    Required keys: ``audio``, ``label``, ``mix_results``. Modified keys:
    ``audio``, ``label``.

    Args:
        prob (float): Mixing probability. Defaults to 0.5 (AST AudioSet).
        alpha (float): Beta parameter. Defaults to 10 (AST).
        label_mode (str): ``'soft'`` or ``'dominant'``.
            Defaults to ``'soft'``.
        num_classes (int, optional): Needed for ``'soft'``.
    """

    def __init__(self,
                 prob: float = 0.5,
                 alpha: float = 10.0,
                 label_mode: str = 'soft',
                 num_classes: Optional[int] = None) -> None:
        if label_mode not in ('soft', 'dominant'):
            raise ValueError("label_mode must be 'soft' or 'dominant'")
        if label_mode == 'soft' and not num_classes:
            raise ValueError("label_mode='soft' needs num_classes")
        self.prob = prob
        self.alpha = alpha
        self.label_mode = label_mode
        self.num_classes = num_classes

    def get_indexes(self, dataset) -> List[int]:
        """One random index of ``dataset`` to mix with."""
        return [int(np.random.randint(len(dataset)))]

    def _onehot(self, label) -> torch.Tensor:
        # A float tensor: PackActionInputs keeps tensors as they are (it
        # would cast a numpy array to long).
        label = torch.as_tensor(np.asarray(label))
        if label.dim() and label.shape[0] == self.num_classes:
            return label.float()  # already a soft label
        return torch.nn.functional.one_hot(label.long().reshape(()),
                                           self.num_classes).float()

    def transform(self, results: Dict) -> Dict:
        """Mix ``results`` with ``results['mix_results'][0]``."""
        mix = results.get('mix_results') or []
        soft = self.label_mode == 'soft'
        if not mix or np.random.rand() >= self.prob:
            if soft:
                results['label'] = self._onehot(results['label'])
            return results
        other = mix[0]
        w1, w2 = results['audio'], other['audio']
        if w2.shape[-1] < w1.shape[-1]:
            w2 = np.pad(w2, (0, w1.shape[-1] - w2.shape[-1]))
        w2 = w2[..., :w1.shape[-1]]
        lam = float(np.random.beta(self.alpha, self.alpha))
        mixed = lam * w1 + (1.0 - lam) * w2
        results['audio'] = (mixed - mixed.mean()).astype(np.float32)
        if soft:
            results['label'] = lam * self._onehot(
                results['label']) + (1.0 - lam) * self._onehot(other['label'])
        elif lam < 0.5:
            results['label'] = copy.deepcopy(other['label'])
        results['mixup_lambda'] = lam
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'alpha={self.alpha}, label_mode={self.label_mode!r}, '
                f'num_classes={self.num_classes})')


@TRANSFORMS.register_module()
class KaldiFbank(BaseTransform):
    """Kaldi log-mel filterbank of the waveform (:func:`mmvb.ops.kaldi_fbank`).

    Defaults are AST's (``htk_compat``, Hanning window, 128 mel bins, 10 ms
    shift, 25 ms frames, no dither, no energy); other keyword arguments of
    :func:`kaldi_fbank` override them. Like AST, the waveform's mean is
    removed first. Signals shorter than one frame are zero-padded to one
    frame.

    Required keys: ``audio``, ``sample_rate``. Added keys: ``fbank``
    (float32 ``[frames, mel bins]``). Removed keys: ``audio`` (unless
    ``keep_audio``).

    Args:
        remove_mean (bool): Subtract the waveform's mean. Defaults to True.
        keep_audio (bool): Keep the waveform. Defaults to False.
        **fbank_args: :func:`kaldi_fbank` arguments.
    """

    def __init__(self,
                 remove_mean: bool = True,
                 keep_audio: bool = False,
                 **fbank_args) -> None:
        fbank_args.pop('sample_frequency', None)
        self.fbank_args = {**AST_FBANK_ARGS, **fbank_args}
        self.remove_mean = remove_mean
        self.keep_audio = keep_audio

    def transform(self, results: Dict) -> Dict:
        """Compute ``results['fbank']``."""
        wave = torch.from_numpy(np.asarray(results['audio'], np.float32))
        sr = results['sample_rate']
        frame = int(sr * self.fbank_args.get('frame_length', 25.0) / 1000)
        if wave.numel() < frame:
            wave = torch.nn.functional.pad(wave, (0, frame - wave.numel()))
        if self.remove_mean:
            wave = wave - wave.mean()
        fbank = kaldi_fbank(wave, sample_frequency=sr, **self.fbank_args)
        results['fbank'] = fbank.numpy()
        if not self.keep_audio:
            results.pop('audio', None)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(remove_mean={self.remove_mean}, '
                f'{self.fbank_args})')


@TRANSFORMS.register_module()
class CachedFbank(BaseTransform):
    """Run ``transforms`` (which produce ``fbank``) once per sample and keep
    the result as ``.npy`` under ``cache_dir``.

    The cache key hashes the sample (``audio_path``, ``audio_start``,
    ``audio_stop``) and the transforms' settings, so changing either
    computes a new entry. Files are written atomically (safe with several
    data-loader workers). Only deterministic transforms belong inside
    (decoding and fbank); random augmentation and waveform mixup must stay
    outside (mixup needs waveforms, so training pipelines with mixup
    cannot cache).

    Args:
        transforms (list[dict]): E.g. ``[dict(type='LoadAudio'),
            dict(type='KaldiFbank')]``.
        cache_dir (str): Folder of the cache.
    """

    def __init__(self, transforms: Sequence[Union[dict, callable]],
                 cache_dir: str) -> None:
        self.transforms = Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in transforms
        ])
        self.cache_dir = cache_dir
        self._signature = repr(self.transforms)

    def cache_path(self, results: Dict) -> str:
        """The ``.npy`` file of a sample."""
        key = repr((results['audio_path'], results.get('audio_start'),
                    results.get('audio_stop'), self._signature))
        digest = hashlib.sha1(key.encode()).hexdigest()
        return osp.join(self.cache_dir, digest[:2], f'{digest}.npy')

    def transform(self, results: Dict) -> Optional[Dict]:
        """Load ``fbank`` from the cache, or compute and store it."""
        path = self.cache_path(results)
        if osp.isfile(path):
            results['fbank'] = np.load(path)
            return results
        results = self.transforms(results)
        if results is None:
            return None
        os.makedirs(osp.dirname(path), exist_ok=True)
        tmp = f'{path}.{os.getpid()}.tmp.npy'
        np.save(tmp, results['fbank'])
        os.replace(tmp, path)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(cache_dir={self.cache_dir!r}, '
                f'transforms={self._signature})')


@TRANSFORMS.register_module()
class PadCropFbank(BaseTransform):
    """Zero-pad or crop the spectrogram to ``target_length`` frames.

    AST pads at the end (zeros in log-mel space) and keeps the first
    ``target_length`` frames (``crop_mode='head'``); ``'random'`` (training
    on long recordings) and ``'center'`` (their testing) crop elsewhere.

    Required / modified keys: ``fbank`` ``[frames, bins]``.

    Args:
        target_length (int): Frames. Defaults to 1024 (10.24 s).
        crop_mode (str): ``'head'``, ``'random'`` or ``'center'``.
            Defaults to ``'head'``.
        pad_value (float): Defaults to 0.
    """

    def __init__(self,
                 target_length: int = 1024,
                 crop_mode: str = 'head',
                 pad_value: float = 0.0) -> None:
        if crop_mode not in ('head', 'random', 'center'):
            raise ValueError("crop_mode must be 'head', 'random' or "
                             f"'center', got {crop_mode!r}")
        self.target_length = target_length
        self.crop_mode = crop_mode
        self.pad_value = pad_value

    def transform(self, results: Dict) -> Dict:
        """Pad/crop ``results['fbank']``."""
        fbank = results['fbank']
        n = fbank.shape[0]
        if n < self.target_length:
            fbank = np.pad(
                fbank, ((0, self.target_length - n), (0, 0)),
                constant_values=self.pad_value)
        elif n > self.target_length:
            extra = n - self.target_length
            start = {
                'head': 0,
                'center': extra // 2,
                'random': np.random.randint(extra + 1)
            }[self.crop_mode]
            fbank = fbank[start:start + self.target_length]
        results['fbank'] = np.ascontiguousarray(fbank, dtype=np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(target_length='
                f'{self.target_length}, crop_mode={self.crop_mode!r})')


@TRANSFORMS.register_module()
class SpecAugment(BaseTransform):
    """SpecAugment frequency and time masking (torchaudio semantics).

    Each mask has a width drawn uniformly from ``[0, max_width)`` and a
    start uniformly from ``[0, size - width)``; the masked band is set to
    ``mask_value``. AST applies one frequency mask (``freqm``) and one time
    mask (``timem``) before normalisation.

    Required / modified keys: ``fbank`` ``[frames, bins]``.

    Args:
        freq_mask (int): Maximum frequency-mask width. Defaults to 48.
        time_mask (int): Maximum time-mask width. Defaults to 192.
        num_freq_masks (int): Defaults to 1.
        num_time_masks (int): Defaults to 1.
        mask_value (float): Defaults to 0.
    """

    def __init__(self,
                 freq_mask: int = 48,
                 time_mask: int = 192,
                 num_freq_masks: int = 1,
                 num_time_masks: int = 1,
                 mask_value: float = 0.0) -> None:
        self.freq_mask = freq_mask
        self.time_mask = time_mask
        self.num_freq_masks = num_freq_masks
        self.num_time_masks = num_time_masks
        self.mask_value = mask_value

    @staticmethod
    def _band(size: int, max_width: int):
        # torchaudio.functional.mask_along_axis
        width = np.random.rand() * max_width
        start = int(np.random.rand() * (size - width))
        return start, start + int(width)

    def transform(self, results: Dict) -> Dict:
        """Mask ``results['fbank']`` (a copy)."""
        fbank = np.array(results['fbank'], dtype=np.float32, copy=True)
        frames, bins = fbank.shape
        for _ in range(self.num_freq_masks):
            a, b = self._band(bins, self.freq_mask)
            fbank[:, a:b] = self.mask_value
        for _ in range(self.num_time_masks):
            a, b = self._band(frames, self.time_mask)
            fbank[a:b, :] = self.mask_value
        results['fbank'] = fbank
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(freq_mask={self.freq_mask}, '
                f'time_mask={self.time_mask}, num_freq_masks='
                f'{self.num_freq_masks}, num_time_masks='
                f'{self.num_time_masks})')


@TRANSFORMS.register_module()
class NormalizeFbank(BaseTransform):
    """Dataset normalisation ``(x - mean) / (std_scale * std)``.

    AST uses ``std_scale = 2`` (features end with mean 0, std 0.5) and the
    dataset's statistics (AudioSet: -4.2677393 / 4.5689974, the fallback AST
    recommends for unknown datasets); ``tools/data/audio/fbank_stats.py``
    computes them for a dataset.

    Required / modified keys: ``fbank``.

    Args:
        mean (float): Dataset mean. Defaults to -4.2677393.
        std (float): Dataset std. Defaults to 4.5689974.
        std_scale (float): Defaults to 2.
    """

    def __init__(self,
                 mean: float = -4.2677393,
                 std: float = 4.5689974,
                 std_scale: float = 2.0) -> None:
        self.mean = mean
        self.std = std
        self.std_scale = std_scale

    def transform(self, results: Dict) -> Dict:
        """Normalise ``results['fbank']``."""
        results['fbank'] = ((results['fbank'] - self.mean) /
                            (self.std_scale * self.std)).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(mean={self.mean}, std={self.std},'
                f' std_scale={self.std_scale})')


@TRANSFORMS.register_module()
class FormatFbankShape(BaseTransform):
    """``fbank`` ``[frames, bins]`` -> ``audios`` ``[1, 1, bins, frames]``.

    One clip with one channel, **frequency as height and time as width**
    (AST's and DATAR's layout), ready for ``PackActionInputs`` and
    ``RecognizerAudio`` (which flattens the clip axis).

    Required keys: ``fbank``. Added keys: ``audios``, ``input_shape``.
    Removed keys: ``fbank``.
    """

    def transform(self, results: Dict) -> Dict:
        """Transpose and add the clip and channel axes."""
        fbank = results.pop('fbank')
        audios = np.ascontiguousarray(fbank.T[None, None], dtype=np.float32)
        results['audios'] = audios
        results['input_shape'] = audios.shape
        return results
