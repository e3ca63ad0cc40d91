# Copyright (c) mmvb contributors. All rights reserved.
"""CLIP's BPE tokenizer: ids equal OpenAI's reference tokenizer.

The committed fixture (``tests/data/clip/tokenizer_ids.json``) holds the
ids of ``clip/simple_tokenizer.py`` (openai/CLIP) on a list of prompts,
made by ``tools/model_converters/manifests/openai_clip.py``; where the
``openai-clip`` package is installed (a test requirement) the reference runs
live too. The vocabulary comes from an installed package
(``requirements/tests.txt``); on CI (``$CI`` set) its absence fails.
"""
import importlib.util
import json
import os
import os.path as osp
from importlib import metadata

import pytest
import torch

from mmvb.models.utils import CLIPTokenizer
from mmvb.models.utils import clip_tokenizer as module
from mmvb.models.utils import find_clip_bpe

FIXTURE = osp.join(
    osp.dirname(__file__), '..', '..', 'data', 'clip', 'tokenizer_ids.json')


def _vocab_or_skip():
    try:
        return find_clip_bpe()
    except FileNotFoundError as e:
        if os.environ.get('CI'):
            raise
        pytest.skip(f'{e} (requirements/tests.txt installs it)')


def _reference():
    """OpenAI's simple_tokenizer.py from the installed openai-clip, loaded
    by path (the package's __init__ imports torchvision)."""
    try:
        dist = metadata.distribution('openai-clip')
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == 'simple_tokenizer.py':
            spec = importlib.util.spec_from_file_location(
                'reference_simple_tokenizer', str(dist.locate_file(file)))
            ref = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(ref)  # needs ftfy and regex
            except ImportError:
                return None
            return ref.SimpleTokenizer()
    return None


@pytest.fixture(scope='module')
def tokenizer():
    _vocab_or_skip()
    return CLIPTokenizer()


def test_vocabulary_size(tokenizer):
    assert tokenizer.vocab_size == 49408
    assert (tokenizer.sot_id, tokenizer.eot_id) == (49406, 49407)
    # the first 256 ids are the byte alphabet: '!' is byte 33 -> id 0
    assert tokenizer.encoder['!'] == 0 and tokenizer.encoder['!</w>'] == 256


def test_ids_equal_the_fixture(tokenizer):
    with open(FIXTURE, encoding='utf-8') as f:
        fixture = json.load(f)
    assert len(fixture['prompts']) == 10
    for prompt, ids in zip(fixture['prompts'], fixture['ids']):
        out = tokenizer([prompt])[0]
        assert out[:len(ids)].tolist() == ids, prompt
        assert (out[len(ids):] == 0).all()


def test_ids_equal_the_live_reference(tokenizer):
    reference = _reference()
    if reference is None:
        if os.environ.get('CI'):
            pytest.fail('openai-clip (requirements/tests.txt) is missing')
        pytest.skip('openai-clip with ftfy and regex is not installed')
    with open(FIXTURE, encoding='utf-8') as f:
        prompts = json.load(f)['prompts']
    prompts += [
        'driver is yawning while driving a car', 'UPPER lower 42x',
        "o'neil's can't", '  ', 'ĳ ǉ ᾈ ß ﬀ', '\u00a0nbsp\u2003em'
    ]
    for prompt in prompts:
        assert tokenizer.encode(prompt) == reference.encode(prompt), prompt


def test_without_ftfy_ascii_prompts_unchanged(tokenizer, monkeypatch):
    with open(FIXTURE, encoding='utf-8') as f:
        fixture = json.load(f)
    monkeypatch.setattr(
        module, '_fix_text',
        lambda text: __import__('unicodedata').normalize('NFC', text))
    for prompt, ids in zip(fixture['prompts'][:5], fixture['ids'][:5]):
        assert tokenizer.encode(prompt) == ids[1:-1], prompt


def test_hand_checked_ids(tokenizer):
    # 'a' -> 'a</w>' (id 320 in CLIP's vocabulary), the EOS is the largest
    ids = tokenizer(['a'])[0]
    assert ids[:3].tolist() == [49406, 320, 49407]
    assert int(ids.argmax()) == 2


def test_too_long(tokenizer):
    text = ' '.join(['driver'] * 80)
    with pytest.raises(ValueError, match='more than the context length 77'):
        tokenizer([text])
    short = CLIPTokenizer(tokenizer.bpe_path, truncate=True)([text])[0]
    assert short.shape == (77, ) and short[-1] == 49407


def test_no_vocabulary_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv(module.BPE_ENV, raising=False)
    monkeypatch.setattr(module, 'BPE_DISTRIBUTIONS', ('no-such-dist-xyz', ))
    with pytest.raises(FileNotFoundError) as info:
        find_clip_bpe()
    message = str(info.value)
    assert '\n' not in message
    assert 'no-such-dist-xyz (not installed)' in message
    assert 'MMVB_CLIP_BPE' in message and 'pip install openai-clip' in message
    with pytest.raises(FileNotFoundError, match='does not exist'):
        find_clip_bpe(str(tmp_path / 'missing.txt.gz'))
    monkeypatch.setenv(module.BPE_ENV, str(tmp_path / 'nope.gz'))
    with pytest.raises(FileNotFoundError, match='MMVB_CLIP_BPE'):
        find_clip_bpe()


def test_env_path(monkeypatch):
    path = _vocab_or_skip()
    monkeypatch.setenv(module.BPE_ENV, path)
    monkeypatch.setattr(module, 'BPE_DISTRIBUTIONS', ())
    assert find_clip_bpe() == path
    assert torch.equal(CLIPTokenizer()(['a photo']),
                       CLIPTokenizer(bpe_path=path)(['a photo']))
