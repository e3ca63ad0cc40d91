# Copyright (c) mmvb contributors. All rights reserved.
"""Compare :func:`mmvb.ops.kaldi_fbank` with torchaudio's Kaldi fbank.

mmvb never needs torchaudio; this check loads torchaudio's
``compliance/kaldi.py`` as the reference, either from an installed
torchaudio or from the file itself (e.g. unpacked from a torchaudio wheel:
``pip download --no-deps torchaudio`` then ``unzip`` it), in which case a
placeholder ``torchaudio`` module satisfies its import (``fbank`` uses only
torch ops). Prints the largest absolute difference per setting over noise
and tone signals of several lengths and exits with 1 when one exceeds
``--tol`` (the DATAR issue asks for < 1e-3).

Example::

    python tools/analysis/check_fbank.py \
        --reference torchaudio/compliance/kaldi.py
"""
import argparse
import importlib.util
import sys
import types

import torch

from mmvb.ops.fbank import AST_FBANK_ARGS, kaldi_fbank

SETTINGS = {
    'ast':
    AST_FBANK_ARGS,
    'kaldi-default': {},
    'energy-htk':
    dict(use_energy=True, htk_compat=True, num_mel_bins=40),
    'hamming-no-snip':
    dict(window_type='hamming', snip_edges=False, num_mel_bins=64),
    'blackman-8k':
    dict(
        window_type='blackman',
        sample_frequency=8000,
        num_mel_bins=30,
        low_freq=50,
        high_freq=-200,
        round_to_power_of_two=False),
}


def load_reference(path=None):
    """torchaudio's ``compliance.kaldi`` (installed, or from ``path``)."""
    if path is None:
        from torchaudio.compliance import kaldi
        return kaldi
    placeholder = 'torchaudio' not in sys.modules
    if placeholder:  # only while the file runs its imports
        sys.modules['torchaudio'] = types.ModuleType('torchaudio')
    try:
        spec = importlib.util.spec_from_file_location('reference_kaldi', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        if placeholder:
            del sys.modules['torchaudio']
    return module


def signals(sample_rate, generator):
    for num in (400, 12345, 16000, 160000):
        yield torch.randn(1, num, generator=generator) * 0.3
        t = torch.arange(num) / sample_rate
        yield (0.5 * torch.sin(2 * torch.pi * 440 * t) +
               0.1 * torch.sin(2 * torch.pi * 3000 * t))[None]


def compare(reference) -> dict:
    """Largest absolute difference per setting."""
    generator = torch.Generator().manual_seed(0)
    worst = {}
    for name, kwargs in SETTINGS.items():
        worst[name] = 0.0
        rate = kwargs.get('sample_frequency', 16000)
        for wave in signals(rate, generator):
            ref = reference.fbank(wave, **kwargs)
            ours = kaldi_fbank(wave, **kwargs)
            if ref.shape != ours.shape:
                raise AssertionError(f'{name}: shape {tuple(ours.shape)} '
                                     f'vs torchaudio {tuple(ref.shape)}')
            worst[name] = max(worst[name], (ref - ours).abs().max().item())
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--reference',
        help="path of torchaudio's compliance/kaldi.py "
        '(default: the installed torchaudio)')
    parser.add_argument('--tol', type=float, default=1e-3)
    args = parser.parse_args(argv)
    worst = compare(load_reference(args.reference))
    for name, diff in worst.items():
        print(f'{name:16s} max |diff| = {diff:.3e}')
    return int(max(worst.values()) > args.tol)


if __name__ == '__main__':
    sys.exit(main())
