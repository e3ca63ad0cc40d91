# Copyright (c) mmvb contributors. All rights reserved.
"""Kaldi fbank: hand-computed cases and a slow reference.

``torchaudio`` is not installed here (and no GPU machine was lent to check
against ``torchaudio.compliance.kaldi.fbank``), so the op is checked against
closed-form cases and against ``_reference_fbank`` below: a deliberately
plain per-frame, per-bin transcription of Kaldi's algorithm
(``feature-window.cc``, ``mel-computations.cc``, ``feature-fbank.cc``) with
Python loops and numpy float64 (no shared code with the op).
"""
import math

import numpy as np
import pytest
import torch

from mmvb.ops.fbank import (AST_FBANK_ARGS, EPSILON, kaldi_fbank, mel_banks,
                            mel_scale, num_frames)


def _reference_fbank(wave,
                     sr=16000.0,
                     num_mel_bins=23,
                     frame_length=25.0,
                     frame_shift=10.0,
                     preemphasis_coefficient=0.97,
                     remove_dc_offset=True,
                     window_type='povey',
                     round_to_power_of_two=True,
                     blackman_coeff=0.42,
                     low_freq=20.0,
                     high_freq=0.0,
                     use_energy=False,
                     energy_floor=1.0,
                     raw_energy=True,
                     htk_compat=False,
                     use_log_fbank=True,
                     use_power=True,
                     snip_edges=True,
                     subtract_mean=False):
    wave = [float(v) for v in wave]
    n_samples = len(wave)
    shift = int(sr * frame_shift / 1000)
    size = int(sr * frame_length / 1000)
    fft_size = size
    if round_to_power_of_two:
        fft_size = 1
        while fft_size < size:
            fft_size *= 2

    # Frame positions (Kaldi FirstSampleOfFrame / ExtractWindow).
    if snip_edges:
        count = 1 + (n_samples - size) // shift if n_samples >= size else 0
        starts = [f * shift for f in range(count)]
    else:
        count = (n_samples + shift // 2) // shift
        starts = [f * shift + shift // 2 - size // 2 for f in range(count)]

    def sample(i):  # reflection at the edges (Kaldi ExtractWindow)
        while i < 0 or i >= n_samples:
            if i < 0:
                i = -i - 1
            if i >= n_samples:
                i = 2 * n_samples - i - 1
        return wave[i]

    def window(n):
        a = 2 * math.pi / (size - 1)
        if window_type == 'hanning':
            return 0.5 - 0.5 * math.cos(a * n)
        if window_type == 'hamming':
            return 0.54 - 0.46 * math.cos(a * n)
        if window_type == 'povey':
            return (0.5 - 0.5 * math.cos(a * n))**0.85
        if window_type == 'rectangular':
            return 1.0
        if window_type == 'blackman':
            return (blackman_coeff - 0.5 * math.cos(a * n) +
                    (0.5 - blackman_coeff) * math.cos(2 * a * n))
        raise ValueError(window_type)

    def mel(f):
        return 1127.0 * math.log(1.0 + f / 700.0)

    nyquist = sr / 2
    hi = high_freq if high_freq > 0 else nyquist + high_freq
    mel_lo, mel_hi = mel(low_freq), mel(hi)
    delta = (mel_hi - mel_lo) / (num_mel_bins + 1)

    def weight(m, k):  # filter m at FFT bin k
        if k >= fft_size // 2:
            return 0.0
        left = mel_lo + m * delta
        center = left + delta
        right = center + delta
        x = mel(k * sr / fft_size)
        if left < x <= center:
            return (x - left) / (center - left)
        if center < x < right:
            return (right - x) / (right - center)
        return 0.0

    out = []
    for start in starts:
        frame = [sample(start + i) for i in range(size)]
        if remove_dc_offset:
            mean = sum(frame) / size
            frame = [v - mean for v in frame]
        energy = sum(v * v for v in frame)
        if preemphasis_coefficient != 0:
            frame = [
                frame[i] - preemphasis_coefficient * frame[max(i - 1, 0)]
                for i in range(size)
            ]
        frame = [frame[i] * window(i) for i in range(size)]
        if not raw_energy:
            energy = sum(v * v for v in frame)
        frame = frame + [0.0] * (fft_size - size)
        spec = []
        for k in range(fft_size // 2 + 1):  # plain DFT
            re = sum(frame[n] * math.cos(2 * math.pi * k * n / fft_size)
                     for n in range(fft_size))
            im = sum(frame[n] * math.sin(2 * math.pi * k * n / fft_size)
                     for n in range(fft_size))
            mag2 = re * re + im * im
            spec.append(mag2 if use_power else math.sqrt(mag2))
        row = []
        for m in range(num_mel_bins):
            e = sum(weight(m, k) * spec[k] for k in range(len(spec)))
            row.append(math.log(max(e, EPSILON)) if use_log_fbank else e)
        if use_energy:
            log_e = math.log(max(energy, EPSILON))
            if energy_floor > 0:
                log_e = max(log_e, math.log(energy_floor))
            row = row + [log_e] if htk_compat else [log_e] + row
        out.append(row)
    out = np.array(out, dtype=np.float64).reshape(count, -1)
    if subtract_mean:
        out = out - out.mean(0, keepdims=True)
    return out


def test_frame_counts_and_mel_scale():
    # 1 s at 16 kHz: 1 + (16000 - 400) // 160 frames (AST: 998 for 10 s).
    assert num_frames(16000, 400, 160) == 98
    assert num_frames(160000, 400, 160) == 998
    assert num_frames(16000, 400, 160, snip_edges=False) == 100
    assert num_frames(399, 400, 160) == 0
    assert mel_scale(700.0) == pytest.approx(1127.0 * math.log(2.0))
    assert mel_scale(0.0) == 0.0
    wave = torch.zeros(16000, dtype=torch.float64)
    wave[::7] = 1.0
    assert kaldi_fbank(wave, **AST_FBANK_ARGS).shape == (98, 128)
    assert kaldi_fbank(
        wave, snip_edges=False, **AST_FBANK_ARGS).shape == (100, 128)


def test_silence_and_dc_give_the_log_floor():
    # No energy anywhere: every coefficient is log(float32 eps) = -15.9424.
    floor = math.log(EPSILON)
    assert floor == pytest.approx(-15.942385152878742)
    zeros = kaldi_fbank(torch.zeros(4000), **AST_FBANK_ARGS)
    assert torch.allclose(zeros, torch.full_like(zeros, floor))
    # A constant signal is removed by the per-frame DC removal.
    dc = kaldi_fbank(torch.full((4000, ), 0.3), **AST_FBANK_ARGS)
    assert torch.allclose(dc, torch.full_like(dc, floor), atol=1e-4)


def test_mel_filter_weights_by_hand():
    # 3 filters between 0 Hz and 8 kHz at 16 kHz with a 512-point FFT.
    banks = mel_banks(
        3, 512, 16000.0, low_freq=0.0, high_freq=0.0, dtype=torch.float64)
    assert banks.shape == (3, 257)
    assert torch.all(banks[:, -1] == 0)  # the Nyquist bin is never used
    delta = 1127.0 * math.log(1 + 8000 / 700) / 4  # filter spacing in mel
    # FFT bin 40 = 1250 Hz: mel 1127 ln(1 + 1250/700) = 1156.33; filter 0
    # spans [0, 2 delta] with centre delta = 676.06: falling edge.
    m = 1127.0 * math.log(1 + 1250 / 700)
    assert banks[0, 40].item() == pytest.approx((2 * delta - m) / delta)
    assert banks[1, 40].item() == pytest.approx((m - delta) / delta)
    assert banks[2, 40].item() == 0.0
    assert banks[:, 0].sum().item() == 0.0  # mel(0) is the left edge


def test_pure_tone_by_hand():
    # 512-sample frames (sr 20480 Hz, 25 ms), rectangular window, no DC
    # removal or pre-emphasis: a cosine on FFT bin k0 has power
    # (A * 512 / 2)^2 in bin k0 only, so filter m reads w_m(k0) times it.
    sr, k0, amp = 20480.0, 64, 0.5
    n = torch.arange(2048, dtype=torch.float64)
    wave = amp * torch.cos(2 * math.pi * k0 * n / 512)
    kwargs = dict(
        sample_frequency=sr,
        num_mel_bins=10,
        window_type='rectangular',
        preemphasis_coefficient=0.0,
        remove_dc_offset=False,
        low_freq=0.0,
        frame_shift=25.0,
        use_energy=True,
        htk_compat=True,
        energy_floor=0.0)
    feats = kaldi_fbank(wave, **kwargs)
    assert feats.shape == (4, 11)
    # Bin 64 is 2560 Hz, mel 1127 ln(1 + 2560/700) = 1700.2; 10 filters
    # between mel(0) = 0 and mel(10240) = 3063.9 are spaced 278.5 apart, so
    # the tone sits on the falling edge of filter 5 (centre 6 * 278.5) and
    # the rising edge of filter 6 (left edge 6 * 278.5).
    m = 1127.0 * math.log(1 + 2560 / 700)
    delta = 1127.0 * math.log(1 + 10240 / 700) / 11
    power = (amp * 512 / 2)**2
    w5, w6 = (7 * delta - m) / delta, (m - 6 * delta) / delta
    assert w5 + w6 == pytest.approx(1.0)
    expected = torch.full((10, ), math.log(EPSILON), dtype=torch.float64)
    expected[5], expected[6] = math.log(w5 * power), math.log(w6 * power)
    assert torch.allclose(feats[:, :10], expected.expand(4, 10), atol=1e-9)
    # The log energy (htk_compat: last) is log(sum x^2) = log(A^2 * 256).
    assert feats[:, 10] == pytest.approx(
        torch.full((4, ), math.log(amp**2 * 256), dtype=torch.float64))


@pytest.mark.parametrize(
    'kwargs',
    [
        AST_FBANK_ARGS,
        dict(num_mel_bins=23),  # Kaldi's defaults (povey, no energy)
        dict(
            num_mel_bins=16,
            window_type='hamming',
            use_energy=True,
            snip_edges=False,
            low_freq=100.0,
            high_freq=-500.0),
        dict(
            num_mel_bins=12,
            window_type='blackman',
            use_energy=True,
            raw_energy=False,
            htk_compat=True,
            use_power=False,
            subtract_mean=True),
        dict(
            num_mel_bins=10,
            window_type='rectangular',
            use_log_fbank=False,
            round_to_power_of_two=False,
            preemphasis_coefficient=0.0,
            remove_dc_offset=False),
    ])
def test_matches_slow_reference(kwargs):
    rng = np.random.default_rng(0)
    wave = rng.normal(
        0, 0.1, 1000) + 0.3 * np.sin(2 * np.pi * 440 * np.arange(1000) / 8000)
    kwargs = dict(kwargs)
    ours = kaldi_fbank(
        torch.from_numpy(wave), sample_frequency=8000.0, **kwargs).numpy()
    kwargs = {('sr' if k == 'sample_frequency' else k): v
              for k, v in kwargs.items() if k not in ('dither', )}
    ref = _reference_fbank(wave, sr=8000.0, **kwargs)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-7, atol=1e-7)


def test_float32_close_to_float64():
    # The op runs in the input dtype; float32 (what pipelines use) stays
    # within 1e-3 of float64 for AST features of a normal-level signal.
    rng = np.random.default_rng(1)
    wave = rng.normal(0, 0.05, 16000)
    f64 = kaldi_fbank(torch.from_numpy(wave), **AST_FBANK_ARGS)
    f32 = kaldi_fbank(torch.from_numpy(wave).float(), **AST_FBANK_ARGS)
    assert f32.dtype == torch.float32
    assert (f32.double() - f64).abs().max() < 1e-3


def test_dither_uses_generator_and_bad_arguments():
    wave = torch.zeros(2000)
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    a = kaldi_fbank(wave, dither=1.0, generator=g1)
    b = kaldi_fbank(wave, dither=1.0, generator=g2)
    assert torch.equal(a, b) and a.min() > math.log(EPSILON)
    with pytest.raises(ValueError, match='window_type'):
        kaldi_fbank(torch.ones(2000), window_type='kaiser')
    with pytest.raises(ValueError, match='window size'):
        kaldi_fbank(torch.ones(100))
    with pytest.raises(ValueError, match='frequency range'):
        kaldi_fbank(torch.ones(2000), low_freq=9000.0)
