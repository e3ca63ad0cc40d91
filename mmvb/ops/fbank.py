# Copyright (c) mmvb contributors. All rights reserved.
"""Kaldi-compatible log-mel filterbank (``compute-fbank-feats``).

A vectorised pure-PyTorch re-implementation of Kaldi's fbank features with
the argument names and defaults of ``torchaudio.compliance.kaldi.fbank``
(which AST and DATAR use), so that ``torchaudio`` is not needed. Steps per
frame (Kaldi ``FeatureWindowFunction`` / ``ProcessWindow`` / ``MelBanks``):

1. framing: ``snip_edges=True`` keeps the ``1 + (N - L) // S`` frames that fit
   (``L``/``S``: frame length/shift in samples); ``False`` keeps
   ``(N + S // 2) // S`` frames centred on multiples of ``S``, reflecting
   the signal at both ends;
2. optional Gaussian dither, per-frame DC removal, log energy (``raw_energy``:
   measured here, before pre-emphasis and windowing);
3. pre-emphasis ``x[i] - c * x[i - 1]`` (``x[-1] := x[0]``);
4. window (``hanning``, ``hamming``, ``povey`` = hann^0.85, ``rectangular``,
   ``blackman``; symmetric);
5. zero-pad to the next power of two, power (or magnitude) spectrum;
6. triangular filters equally spaced on the mel scale
   ``1127 ln(1 + f / 700)`` between ``low_freq`` and ``high_freq``
   (``<= 0``: relative to Nyquist), weights computed in the mel domain;
7. ``log(max(energy, eps))`` with ``eps`` = float32 machine epsilon.

VTLN warping is not implemented (Kaldi's default ``vtln_warp=1``).
"""
import functools
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

#: ``torch.finfo(torch.float32).eps``: Kaldi's floor before ``log``.
EPSILON = 1.1920928955078125e-07
MILLISECONDS_TO_SECONDS = 0.001

#: AST's arguments (``YuanGongND/ast:src/dataloader.py``); DATAR uses the
#: same features. Everything else keeps Kaldi's defaults (25 ms frames,
#: pre-emphasis 0.97, DC removal, 512-point FFT, 20 Hz to Nyquist).
AST_FBANK_ARGS = dict(
    htk_compat=True,
    use_energy=False,
    window_type='hanning',
    num_mel_bins=128,
    dither=0.0,
    frame_shift=10.0,
    frame_length=25.0)

WINDOW_TYPES = ('hamming', 'hanning', 'povey', 'rectangular', 'blackman')


def mel_scale(freq):
    """Kaldi's (HTK) mel scale ``1127 ln(1 + f / 700)``."""
    if isinstance(freq, Tensor):
        return 1127.0 * torch.log1p(freq / 700.0)
    return 1127.0 * math.log1p(freq / 700.0)


def next_power_of_2(x: int) -> int:
    """Smallest power of two ``>= x`` (1 for ``x = 0``)."""
    return 1 if x == 0 else 2**(x - 1).bit_length()


def frame_sizes(sample_frequency: float,
                frame_length: float,
                frame_shift: float,
                round_to_power_of_two: bool = True):
    """Window size, shift and padded FFT size in samples.

    Args:
        sample_frequency (float): Sampling rate in Hz.
        frame_length (float): Frame length in ms.
        frame_shift (float): Frame shift in ms.
        round_to_power_of_two (bool): Pad the FFT to a power of two.

    Returns:
        tuple[int, int, int]: ``(window_size, window_shift, padded_size)``.
    """
    window_shift = int(sample_frequency * frame_shift *
                       MILLISECONDS_TO_SECONDS)
    window_size = int(sample_frequency * frame_length *
                      MILLISECONDS_TO_SECONDS)
    padded = next_power_of_2(window_size) if round_to_power_of_two \
        else window_size
    return window_size, window_shift, padded


def num_frames(num_samples: int,
               window_size: int,
               window_shift: int,
               snip_edges: bool = True) -> int:
    """Number of frames Kaldi extracts from ``num_samples`` samples."""
    if snip_edges:
        if num_samples < window_size:
            return 0
        return 1 + (num_samples - window_size) // window_shift
    return (num_samples + window_shift // 2) // window_shift


def feature_window(window_type: str,
                   window_size: int,
                   blackman_coeff: float = 0.42,
                   dtype: torch.dtype = torch.float32,
                   device=None) -> Tensor:
    """Kaldi's analysis window of ``window_size`` samples (symmetric)."""
    if window_type == 'hanning':
        return torch.hann_window(
            window_size, periodic=False, dtype=dtype, device=device)
    if window_type == 'hamming':
        return torch.hamming_window(
            window_size,
            periodic=False,
            alpha=0.54,
            beta=0.46,
            dtype=dtype,
            device=device)
    if window_type == 'povey':
        return torch.hann_window(
            window_size, periodic=False, dtype=dtype, device=device).pow(0.85)
    if window_type == 'rectangular':
        return torch.ones(window_size, dtype=dtype, device=device)
    if window_type == 'blackman':
        a = 2 * math.pi / (window_size - 1)
        n = torch.arange(window_size, dtype=dtype, device=device)
        return (blackman_coeff - 0.5 * torch.cos(a * n) +
                (0.5 - blackman_coeff) * torch.cos(2 * a * n))
    raise ValueError(f'window_type must be one of {WINDOW_TYPES}, '
                     f'got {window_type!r}')


def mel_banks(num_bins: int,
              padded_window_size: int,
              sample_frequency: float,
              low_freq: float = 20.0,
              high_freq: float = 0.0,
              dtype: torch.dtype = torch.float32,
              device=None) -> Tensor:
    """Triangular mel filters ``[num_bins, padded_window_size // 2 + 1]``.

    Filter ``m`` rises from mel ``left_m`` to ``center_m`` and falls to
    ``right_m`` (spacing ``(mel(high) - mel(low)) / (num_bins + 1)``); the
    weight of FFT bin ``k`` (frequency ``k * sr / padded_window_size``) is
    the triangle evaluated at ``mel(k * sr / padded_window_size)``. The
    Nyquist bin gets weight 0 (Kaldi's ``MelBanks`` uses ``N / 2`` bins).
    The filters are computed once per setting (cached).
    """
    banks = _mel_banks(num_bins, padded_window_size, float(sample_frequency),
                       float(low_freq), float(high_freq))
    return banks.to(dtype=dtype, device=device)


@functools.lru_cache(maxsize=32)
def _mel_banks(num_bins: int, padded_window_size: int, sample_frequency: float,
               low_freq: float, high_freq: float) -> Tensor:
    """float64 CPU filters of :func:`mel_banks` (cached; read only)."""
    if num_bins < 3:
        raise ValueError('Kaldi needs at least 3 mel bins')
    if padded_window_size % 2:
        raise ValueError('padded_window_size must be even')
    nyquist = 0.5 * sample_frequency
    if high_freq <= 0.0:
        high_freq += nyquist
    if not (0.0 <= low_freq < nyquist and 0.0 < high_freq <= nyquist
            and low_freq < high_freq):
        raise ValueError(f'bad frequency range: low_freq={low_freq}, '
                         f'high_freq={high_freq}, nyquist={nyquist}')
    num_fft_bins = padded_window_size // 2
    fft_bin_width = sample_frequency / padded_window_size
    mel_low, mel_high = mel_scale(low_freq), mel_scale(high_freq)
    delta = (mel_high - mel_low) / (num_bins + 1)
    idx = torch.arange(num_bins, dtype=torch.float64)[:, None]
    left = mel_low + idx * delta
    center = mel_low + (idx + 1.0) * delta
    right = mel_low + (idx + 2.0) * delta
    mel = mel_scale(fft_bin_width *
                    torch.arange(num_fft_bins, dtype=torch.float64))[None, :]
    up = (mel - left) / (center - left)
    down = (right - mel) / (right - center)
    banks = torch.clamp(torch.minimum(up, down), min=0.0)
    return F.pad(banks, (0, 1))


def _frames(wave: Tensor, window_size: int, window_shift: int,
            snip_edges: bool) -> Tensor:
    """``[num_frames, window_size]`` frames of a 1-D signal (views)."""
    n = num_frames(wave.numel(), window_size, window_shift, snip_edges)
    if n == 0:
        return wave.new_empty((0, window_size))
    if not snip_edges:
        pad = window_size // 2 - window_shift // 2
        reversed_wave = wave.flip(0)
        if pad > 0:
            wave = torch.cat((reversed_wave[-pad:], wave, reversed_wave))
        else:
            wave = torch.cat((wave[-pad:], reversed_wave))
    return wave.as_strided((n, window_size),
                           (window_shift * wave.stride(0), wave.stride(0)))


def kaldi_fbank(waveform: Tensor,
                sample_frequency: float = 16000.0,
                num_mel_bins: int = 23,
                frame_length: float = 25.0,
                frame_shift: float = 10.0,
                dither: float = 0.0,
                preemphasis_coefficient: float = 0.97,
                remove_dc_offset: bool = True,
                window_type: str = 'povey',
                round_to_power_of_two: bool = True,
                blackman_coeff: float = 0.42,
                low_freq: float = 20.0,
                high_freq: float = 0.0,
                use_energy: bool = False,
                energy_floor: float = 1.0,
                raw_energy: bool = True,
                htk_compat: bool = False,
                use_log_fbank: bool = True,
                use_power: bool = True,
                snip_edges: bool = True,
                subtract_mean: bool = False,
                generator: Optional[torch.Generator] = None) -> Tensor:
    """Kaldi log-mel filterbank features of one mono signal.

    Argument names and defaults are those of
    ``torchaudio.compliance.kaldi.fbank`` (Kaldi's defaults); for AST/DATAR
    features pass :data:`AST_FBANK_ARGS`. Computed in the dtype of
    ``waveform`` (float32 or float64).

    Args:
        waveform (Tensor): ``[num_samples]`` or ``[1, num_samples]`` (the
            first channel of ``[C, num_samples]`` is used, as torchaudio
            does).
        sample_frequency (float): Sampling rate in Hz. Defaults to 16000.
        num_mel_bins (int): Number of triangular filters. Defaults to 23.
        frame_length (float): Frame length in ms. Defaults to 25.
        frame_shift (float): Frame shift in ms. Defaults to 10.
        dither (float): Std of Gaussian dither noise (0: off).
            Defaults to 0 (Kaldi's default is 1; AST uses 0).
        preemphasis_coefficient (float): Defaults to 0.97.
        remove_dc_offset (bool): Subtract each frame's mean.
            Defaults to True.
        window_type (str): One of :data:`WINDOW_TYPES`.
            Defaults to ``'povey'``.
        round_to_power_of_two (bool): Pad the FFT to a power of two.
            Defaults to True.
        blackman_coeff (float): Blackman window parameter.
            Defaults to 0.42.
        low_freq (float): Lowest filter edge in Hz. Defaults to 20.
        high_freq (float): Highest filter edge in Hz; ``<= 0`` is added to
            the Nyquist frequency. Defaults to 0.
        use_energy (bool): Add the log energy as an extra coefficient
            (first, or last with ``htk_compat``). Defaults to False.
        energy_floor (float): Floor of the energy (``> 0``: applied as
            ``log(energy_floor)``). Defaults to 1.
        raw_energy (bool): Measure the energy before pre-emphasis and
            windowing. Defaults to True.
        htk_compat (bool): Put the energy last (HTK order). Without energy
            it changes nothing. Defaults to False.
        use_log_fbank (bool): Take the log of the filter energies.
            Defaults to True.
        use_power (bool): Power (else magnitude) spectrum. Defaults to True.
        snip_edges (bool): See the module docstring. Defaults to True.
        subtract_mean (bool): Subtract the mean over frames of each
            coefficient. Defaults to False.
        generator (torch.Generator, optional): Random source of the dither.

    Returns:
        Tensor: ``[num_frames, num_mel_bins (+1 with use_energy)]``.
    """
    if waveform.dim() == 2:
        waveform = waveform[0]
    if waveform.dim() != 1:
        raise ValueError('waveform must be [num_samples] or [C, num_samples]'
                         f', got shape {tuple(waveform.shape)}')
    if not waveform.is_floating_point():
        raise TypeError('waveform must be a float tensor')
    dtype, device = waveform.dtype, waveform.device
    window_size, window_shift, padded = frame_sizes(sample_frequency,
                                                    frame_length, frame_shift,
                                                    round_to_power_of_two)
    if not 2 <= window_size <= waveform.numel() or window_shift <= 0:
        raise ValueError(
            f'choose a window size {window_size} in [2, {waveform.numel()}]'
            f' samples and a positive shift {window_shift}')

    frames = _frames(waveform, window_size, window_shift, snip_edges)
    if dither != 0.0:
        noise = torch.randn(
            frames.shape, generator=generator, dtype=dtype, device=device)
        frames = frames + dither * noise
    if remove_dc_offset:
        frames = frames - frames.mean(dim=1, keepdim=True)

    def log_energy(x: Tensor) -> Tensor:
        energy = x.pow(2).sum(1).clamp(min=EPSILON).log()
        if energy_floor > 0.0:
            energy = energy.clamp(min=math.log(energy_floor))
        return energy

    if use_energy and raw_energy:
        energy = log_energy(frames)
    if preemphasis_coefficient != 0.0:
        previous = torch.cat((frames[:, :1], frames[:, :-1]), dim=1)
        frames = frames - preemphasis_coefficient * previous
    frames = frames * feature_window(window_type, window_size, blackman_coeff,
                                     dtype, device)
    if padded != window_size:
        frames = F.pad(frames, (0, padded - window_size))
    if use_energy and not raw_energy:
        energy = log_energy(frames)

    spectrum = torch.fft.rfft(frames).abs()
    if use_power:
        spectrum = spectrum.pow(2.0)
    banks = mel_banks(num_mel_bins, padded, sample_frequency, low_freq,
                      high_freq, dtype, device)
    feats = spectrum @ banks.T  # [num_frames, num_mel_bins]
    if use_log_fbank:
        feats = feats.clamp(min=EPSILON).log()
    if use_energy:
        energy = energy[:, None]
        feats = torch.cat(
            (feats, energy) if htk_compat else (energy, feats), dim=1)
    if subtract_mean:
        feats = feats - feats.mean(dim=0, keepdim=True)
    return feats
