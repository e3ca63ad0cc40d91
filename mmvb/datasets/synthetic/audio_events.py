# Copyright (c) mmvb contributors. All rights reserved.
"""Synthetic audio-event set: one sound event per clip, six kinds.

Each clip holds one event at a random time, pitch and loudness over a
low noise floor, written as a real 16-bit wav file:

==  ============  ===========================================================
0   low-tone      a steady tone of 200-500 Hz (with one harmonic)
1   high-tone     a steady tone of 1.5-3 kHz
2   up-chirp      a sweep rising 2.5-4x from 300-700 Hz (log-frequency)
3   down-chirp    the same sweep falling
4   noise-burst   2-3 short band-pass noise bursts (centre 0.8-4 kHz)
5   beeps         2-4 short 700-1300 Hz beeps with gaps
==  ============  ===========================================================

Up- and down-chirps cover the same frequencies over the same time, so
telling them apart needs the joint time-frequency layout of the
spectrogram (a bag of frames cannot); the other classes differ in pitch
range or temporal texture.

Layout written to ``out_dir`` (MMAction2 ``AudioDataset`` format)::

    audio/{train,val}/{index:05d}.wav       # 16 kHz mono
    {train,val}_list_audio.txt              # "audio/train/00000.wav 16000 3"
    label_map.txt                           # one class name per line
    meta.json                               # generator name and arguments
"""
import json
import os.path as osp
from typing import Dict

import numpy as np
from tqdm import tqdm

from ..audio_io import write_audio
from .video_io import split_seeds, write_lines

AUDIO_EVENT_CLASSES = ('low-tone', 'high-tone', 'up-chirp', 'down-chirp',
                       'noise-burst', 'beeps')


def _envelope(n: int, fade: int) -> np.ndarray:
    env = np.ones(n)
    fade = min(fade, n // 2)
    ramp = np.linspace(0.0, 1.0, fade)
    env[:fade], env[n - fade:] = ramp, ramp[::-1]
    return env


def _bandpass_noise(n: int, sr: int, centre: float, width: float,
                    rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    spec[np.abs(freqs - centre) > width / 2] = 0
    out = np.fft.irfft(spec, n)
    return out / (np.abs(out).max() + 1e-8)


def render_audio_event(label: int,
                       rng: np.random.Generator,
                       duration: float = 1.0,
                       sample_rate: int = 16000) -> np.ndarray:
    """Render one clip of class ``label``.

    Args:
        label (int): Index into :data:`AUDIO_EVENT_CLASSES`.
        rng (np.random.Generator): Random source (time, pitch, level).
        duration (float): Clip length in seconds. Defaults to 1.
        sample_rate (int): Defaults to 16000.

    Returns:
        np.ndarray: float32 ``[samples]`` in ``[-1, 1]``.
    """
    if not 0 <= label < len(AUDIO_EVENT_CLASSES):
        raise ValueError(f'label must be in [0, {len(AUDIO_EVENT_CLASSES)})'
                         f', got {label}')
    sr = sample_rate
    total = int(duration * sr)
    clip = rng.normal(0.0, rng.uniform(0.002, 0.01), total)  # noise floor
    length = int(rng.uniform(0.35, 0.6) * duration * sr)
    onset = int(rng.integers(0, total - length + 1))
    t = np.arange(length) / sr
    amp = rng.uniform(0.2, 0.5)
    fade = int(0.01 * sr)
    if label in (0, 1):
        f0 = rng.uniform(200, 500) if label == 0 else rng.uniform(1500, 3000)
        event = np.sin(2 * np.pi * f0 * t) + 0.3 * np.sin(4 * np.pi * f0 * t)
        event *= _envelope(length, fade)
    elif label in (2, 3):
        f_lo = rng.uniform(300, 700)
        f_hi = f_lo * rng.uniform(2.5, 4.0)
        ratio = f_hi / f_lo
        if label == 2:  # log sweep f_lo -> f_hi
            phase = f_lo * t[-1] / np.log(ratio) * (ratio**(t / t[-1]) - 1)
        else:  # f_hi -> f_lo
            phase = f_hi * t[-1] / np.log(1 / ratio) * (
                (1 / ratio)**(t / t[-1]) - 1)
        event = np.sin(2 * np.pi * phase) * _envelope(length, fade)
    elif label == 4:
        event = np.zeros(length)
        for _ in range(int(rng.integers(2, 4))):
            n = int(rng.uniform(0.04, 0.1) * sr)
            start = int(rng.integers(0, length - n + 1))
            event[start:start + n] += _bandpass_noise(
                n, sr, rng.uniform(800, 4000), rng.uniform(
                    300, 1500), rng) * _envelope(n, fade // 2)
    else:
        event = np.zeros(length)
        count = int(rng.integers(2, 5))
        slot = length // count
        f0 = rng.uniform(700, 1300)
        for i in range(count):
            n = int(slot * rng.uniform(0.35, 0.6))
            start = i * slot + int(rng.integers(0, slot - n + 1))
            tt = np.arange(n) / sr
            event[start:start +
                  n] = np.sin(2 * np.pi * f0 * tt) * _envelope(n, fade // 2)
    peak = np.abs(event).max()
    clip[onset:onset + length] += amp * event / (peak + 1e-8)
    return np.clip(clip, -1.0, 1.0).astype(np.float32)


def generate_audio_event_dataset(out_dir: str,
                                 num_train: int = 240,
                                 num_val: int = 60,
                                 duration: float = 1.0,
                                 sample_rate: int = 16000,
                                 seed: int = 0,
                                 progress: bool = True) -> Dict:
    """Write the synthetic audio-event set (see module docstring).

    Labels are balanced: sample ``i`` of a split has label
    ``i % num_classes``; times, pitches and levels are random.

    Args:
        out_dir (str): Output folder.
        num_train (int): Training clips. Defaults to 240.
        num_val (int): Validation clips. Defaults to 60.
        duration (float): Clip length in seconds. Defaults to 1.
        sample_rate (int): Defaults to 16000.
        seed (int): Dataset seed; the same seed writes the same files.
            Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths of the annotation files, per split.
    """
    num_classes = len(AUDIO_EVENT_CLASSES)
    lines = {'train': [], 'val': []}
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='audio events', disable=not progress):
        label = idx % num_classes
        wave = render_audio_event(label, np.random.default_rng(ss), duration,
                                  sample_rate)
        rel = f'audio/{split}/{idx:05d}.wav'
        write_audio(osp.join(out_dir, rel), wave, sample_rate)
        lines[split].append(f'{rel} {wave.shape[0]} {label}')
    ann_files = {}
    for split, split_lines in lines.items():
        path = osp.join(out_dir, f'{split}_list_audio.txt')
        write_lines(path, split_lines)
        ann_files[split] = path
    write_lines(osp.join(out_dir, 'label_map.txt'), AUDIO_EVENT_CLASSES)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='audio-events',
                num_train=num_train,
                num_val=num_val,
                duration=duration,
                sample_rate=sample_rate,
                seed=seed,
                classes=list(AUDIO_EVENT_CLASSES)),
            f,
            indent=2)
    return ann_files
