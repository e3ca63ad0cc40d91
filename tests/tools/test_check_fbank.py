# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/check_fbank.py on stand-in reference files."""
import importlib.util
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'check_fbank', osp.join(ROOT, 'tools', 'analysis', 'check_fbank.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(tmp_path, offset):
    # A file shaped like torchaudio's compliance/kaldi.py: it imports
    # torchaudio (replaced by a placeholder) and defines fbank().
    path = tmp_path / f'kaldi_{offset}.py'
    path.write_text('import torchaudio  # noqa\n'
                    'from mmvb.ops.fbank import kaldi_fbank\n\n\n'
                    'def fbank(wave, **kwargs):\n'
                    f'    return kaldi_fbank(wave, **kwargs) + {offset}\n')
    return str(path)


def test_check_fbank_passes_and_fails(tmp_path, capsys):
    tool = _tool()
    assert tool.main(['--reference', _reference(tmp_path, 0.0)]) == 0
    out = capsys.readouterr().out
    assert 'ast' in out and 'max |diff| = 0.000e+00' in out
    assert tool.main(['--reference', _reference(tmp_path, 0.01)]) == 1
    assert 'torchaudio' not in sys.modules  # the placeholder is gone
