# Copyright (c) mmvb contributors. All rights reserved.
import os

import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

import mmvb  # noqa: F401
from mmvb.datasets import (AudioMixDataset, CachedFbank,
                           EpicKitchensAudioDataset, FormatFbankShape,
                           KaldiFbank, LoadAudio, NormalizeFbank, PadCropFbank,
                           SpecAugment, WaveformMixup)
from mmvb.datasets.audio_io import write_audio
from mmvb.ops.fbank import AST_FBANK_ARGS, kaldi_fbank
from mmvb.utils import register_all_modules

register_all_modules()


def _tone(freq, seconds, sr=16000):
    t = np.arange(int(sr * seconds)) / sr
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_load_and_fbank(tmp_path):
    path = str(tmp_path / 'a.wav')
    write_audio(path, _tone(440, 1.0, 32000) + 0.1, 32000)
    results = LoadAudio()(dict(audio_path=path))
    assert results['sample_rate'] == 16000
    assert results['audio'].shape == (16000, )
    wave = results['audio'].copy()
    results = KaldiFbank()(results)
    assert 'audio' not in results
    assert results['fbank'].shape == (98, 128)
    # AST removes the waveform mean before the fbank.
    ref = kaldi_fbank(torch.from_numpy(wave - wave.mean()),
                      **AST_FBANK_ARGS).numpy()
    assert np.allclose(results['fbank'], ref, atol=1e-4)
    # Segments (EPIC) and too-short signals.
    seg = LoadAudio()(dict(audio_path=path, audio_start=0.5, audio_stop=0.51))
    assert seg['audio'].shape == (160, )
    assert KaldiFbank()(seg)['fbank'].shape == (1, 128)
    fbank = KaldiFbank(
        num_mel_bins=64,
        frame_shift=20.0)(LoadAudio()(dict(audio_path=path)))['fbank']
    assert fbank.shape == (49, 64)


def test_pad_crop_normalize_format():
    fbank = np.arange(10 * 4, dtype=np.float32).reshape(10, 4)
    out = PadCropFbank(16)(dict(fbank=fbank))['fbank']
    assert out.shape == (16, 4)
    assert np.array_equal(out[:10], fbank) and not out[10:].any()
    assert np.array_equal(
        PadCropFbank(4)(dict(fbank=fbank))['fbank'], fbank[:4])
    assert np.array_equal(
        PadCropFbank(4, 'center')(dict(fbank=fbank))['fbank'], fbank[3:7])
    crop = PadCropFbank(4, 'random')(dict(fbank=fbank))['fbank']
    assert crop.shape == (4, 4) and crop[0, 0] % 4 == 0
    norm = NormalizeFbank(mean=-4.0, std=2.0)(dict(fbank=fbank))['fbank']
    assert np.allclose(norm, (fbank + 4.0) / 4.0)
    packed = FormatFbankShape()(dict(fbank=fbank))
    assert packed['audios'].shape == (1, 1, 4, 10)  # [clip, 1, F, T]
    assert np.array_equal(packed['audios'][0, 0], fbank.T)
    assert 'fbank' not in packed


def test_spec_augment_masks_one_band_each():
    np.random.seed(0)
    aug = SpecAugment(freq_mask=8, time_mask=20)
    for _ in range(20):
        fbank = np.ones((100, 32), np.float32)
        out = aug(dict(fbank=fbank))['fbank']
        assert fbank.all()  # the input is not modified
        freq_masked = np.where(~out.any(0))[0]
        time_masked = np.where(~out.any(1))[0]
        assert len(freq_masked) < 8 and len(time_masked) < 20
        for band in (freq_masked, time_masked):  # contiguous
            if len(band):
                assert band[-1] - band[0] == len(band) - 1


def test_cached_fbank(tmp_path):
    path = str(tmp_path / 'a.wav')
    write_audio(path, _tone(440, 0.5), 16000)
    cfg = dict(
        type='CachedFbank',
        transforms=[dict(type='LoadAudio'),
                    dict(type='KaldiFbank')],
        cache_dir=str(tmp_path / 'cache'))
    cached = TRANSFORMS.build(cfg)
    first = cached(dict(audio_path=path))['fbank']
    files = [f for _, _, fs in os.walk(tmp_path / 'cache') for f in fs]
    assert len(files) == 1 and files[0].endswith('.npy')
    os.remove(path)  # a hit must not decode again
    second = cached(dict(audio_path=path))['fbank']
    assert np.array_equal(first, second)
    # Other settings or another segment are other entries.
    other = CachedFbank(
        [dict(type='LoadAudio'),
         dict(type='KaldiFbank', num_mel_bins=64)], str(tmp_path / 'cache'))
    assert other.cache_path(dict(audio_path=path)) != cached.cache_path(
        dict(audio_path=path))
    assert cached.cache_path(dict(audio_path=path, audio_start=1.0)) != \
        cached.cache_path(dict(audio_path=path))


class _Waves:
    """A tiny dataset of constant waveforms with labels 0..n-1."""

    def __init__(self, n=4):
        self.n = n
        self.metainfo = dict()

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        return dict(
            audio=np.full(100 + idx, float(idx + 1), np.float32),
            label=idx,
            sample_rate=16000)


def test_waveform_mixup_through_mix_dataset():
    np.random.seed(0)
    data = AudioMixDataset(
        _Waves(),
        [dict(type='WaveformMixup', prob=1.0, alpha=10.0, num_classes=4)])
    assert len(data) == 4
    for _ in range(5):
        out = data[0]
        lam, label = out['mixup_lambda'], out['label'].numpy()
        assert label.shape == (4, ) and label.sum() == pytest.approx(1.0)
        other = int(np.argmax(label[1:])) + 1 if label[0] < 1 else 0
        if other:
            assert label[0] == pytest.approx(lam)
        w2 = np.full(100, other + 1.0, np.float32)  # cut to 100 samples
        mixed = lam * 1.0 + (1 - lam) * w2
        assert np.allclose(out['audio'], mixed - mixed.mean(), atol=1e-5)
    # prob 0: unchanged audio, labels still one-hot vectors (batchable).
    plain = WaveformMixup(
        prob=0.0, num_classes=4)(
            dict(audio=np.ones(5, np.float32), label=2, mix_results=[]))
    assert plain['label'].tolist() == [0, 0, 1, 0]
    dominant = WaveformMixup(prob=1.0, label_mode='dominant')
    out = dominant(
        dict(
            audio=np.ones(5, np.float32),
            label=[1, 2],
            mix_results=[dict(audio=np.zeros(3, np.float32), label=[3, 4])]))
    assert out['label'] == ([1, 2] if out['mixup_lambda'] >= 0.5 else [3, 4])
    with pytest.raises(ValueError, match='num_classes'):
        WaveformMixup(label_mode='soft')


def test_epic_dataset_and_full_pipeline(tmp_path):
    write_audio(
        str(tmp_path / 'audio' / 'P01_101.wav'),
        np.concatenate([_tone(300, 2.0), _tone(3000, 2.0)]), 16000)
    ann = tmp_path / 'val.txt'
    ann.write_text('audio/P01_101.wav 0.50 1.50 3 7\n'
                   'audio/P01_101.wav 2.25 3.00 1 -1\n')
    pipeline = [
        dict(type='LoadAudio'),
        dict(type='KaldiFbank'),
        dict(type='PadCropFbank', target_length=128),
        dict(type='NormalizeFbank'),
        dict(type='FormatFbankShape'),
        dict(type='PackActionInputs')
    ]
    dataset = EpicKitchensAudioDataset(
        str(ann),
        pipeline,
        data_prefix=dict(audio=str(tmp_path)),
        test_mode=True)
    assert len(dataset) == 2
    info = dataset.get_data_info(0)
    assert info['audio_start'] == 0.5 and info['audio_stop'] == 1.5
    assert info['label'] == [3, 7]
    sample = dataset[1]
    assert sample['inputs'].shape == (1, 1, 128, 128)
    assert sample['data_samples'].gt_label.tolist() == [1, -1]
    # The 0.75 s segment (75 frames) lies in the 3 kHz half: energy in the
    # upper mel bins, padding after frame 73.
    spec = sample['inputs'][0, 0].numpy()
    assert spec[100:, :70].mean() > spec[:30, :70].mean()
    assert np.allclose(spec[:, 80:], spec[0, 80])


def test_pipeline_repr_and_build():
    pipe = Compose([
        dict(type='LoadAudio', sample_rate=8000),
        dict(type='KaldiFbank', num_mel_bins=64),
        dict(type='SpecAugment'),
        dict(type='WaveformMixup', num_classes=3)
    ])
    text = repr(pipe)
    for name in ('LoadAudio', 'KaldiFbank', 'SpecAugment', 'WaveformMixup'):
        assert name in text
    assert isinstance(pipe.transforms[0], LoadAudio)
    assert isinstance(pipe.transforms[1], KaldiFbank)
    assert pipe.transforms[1].fbank_args['num_mel_bins'] == 64
