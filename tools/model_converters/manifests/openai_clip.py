# Copyright (c) mmvb contributors. All rights reserved.
"""Manifests of CLIP ViT-L/14 checkpoints and CLIP reference fixtures.

Official definitions, instantiated on the CPU:

* OpenAI CLIP, ``openai/CLIP`` commit d05afc436d78f1c48dc0dbf8e5980a9d471f35f6
  (identical ``clip/model.py`` ViT and text code and identical
  ``simple_tokenizer.py`` / ``bpe_simple_vocab_16e6.txt.gz`` in PyPI
  ``openai-clip`` 1.0.1); ``model.py`` and ``simple_tokenizer.py`` are loaded
  by file path (``clip/__init__.py`` imports torchvision). ViT-L/14:
  ``CLIP(embed_dim=768, image_resolution=224, vision_layers=24,
  vision_width=1024, vision_patch_size=14, context_length=77,
  vocab_size=49408, transformer_width=768, transformer_heads=12,
  transformer_layers=12)``, passed through ``build_model(state_dict)``
  (which infers the architecture from the shapes and converts linear and
  attention weights to float16, as in the published file). The
  published ``ViT-L-14.pt`` is a TorchScript archive whose state dict has
  these keys plus ``input_resolution``, ``context_length`` and
  ``vocab_size`` (``build_model`` deletes them).
* mmpretrain, ``open-mmlab/mmpretrain`` commit
  ee7f2e88501f61aa95c742dd5f429f039935ee90:
  ``tools/model_converters/openai-clip_to_mmpretrain-clip.py``
  (``convert_clip``, loaded by file path) applied to the OpenAI state dict
  gives the full CLIP in mmpretrain's ``CLIPZeroShot`` names; the
  checkpoint mmvb's configs load as frame encoder,
  ``vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b.pth``
  (metafile ``configs/clip/metafile.yml``, an ``ImageClassifier``
  checkpoint, ``{'state_dict': ...}``), is the image tower of it under
  ``backbone.``: ``ImageClassifier(backbone=VisionTransformer(arch='l',
  img_size=224, patch_size=14, pre_norm=True))`` of mmpretrain 1.2.0 is
  instantiated and its keys/shapes are asserted equal to the converter's
  ``visual.*`` ones (the projection ``visual_proj`` excluded).

Fixtures for tests (``tests/data/clip/``): token ids of OpenAI's tokenizer
on a list of prompts, and the outputs of a tiny OpenAI CLIP (random weights
from :func:`mmvb.testing.state_dict_from_manifest`, seed and manifest
stored) on fixed inputs.

Command that produced the committed files (from the repository root)::

    python tools/model_converters/manifests/openai_clip.py \\
        --clip /path/to/CLIP/clip \\
        --mmpretrain /path/to/mmpretrain \\
        --out tests/data/checkpoints --fixtures tests/data/clip
"""
import argparse
import importlib.util
import json
import os.path as osp
import sys

import torch

from mmvb.testing import (make_manifest, state_dict_from_manifest,
                          write_manifest)

CLIP_COMMIT = 'd05afc436d78f1c48dc0dbf8e5980a9d471f35f6'
MMPRETRAIN_COMMIT = 'ee7f2e88501f61aa95c742dd5f429f039935ee90'
SCRIPT = 'tools/model_converters/manifests/openai_clip.py'
VIT_L14 = dict(
    embed_dim=768,
    image_resolution=224,
    vision_layers=24,
    vision_width=1024,
    vision_patch_size=14,
    context_length=77,
    vocab_size=49408,
    transformer_width=768,
    transformer_heads=12,
    transformer_layers=12)
# The tiny CLIP of the parity fixture.
TINY = dict(
    embed_dim=16,
    image_resolution=32,
    vision_layers=2,
    vision_width=64,
    vision_patch_size=8,
    context_length=77,
    vocab_size=49408,
    transformer_width=32,
    transformer_heads=2,
    transformer_layers=2)
PROMPTS = [
    'an image of a person drinking water while driving.',
    'driver is talking to the phone on hand while driving a car',
    'an image of a person talking to the phone on right hand while '
    'driving.',
    'a photo of adriver texting on the phone in left hand while driving a '
    'car',
    "Hello, World! It's 2024; we're at 3.14pm",
    'naïve café — “quotes” ½ ² ﬁ Ｆｕｌｌ',
    '日本語のテキスト 123 ٣٤ Ⅻ',
    '&amp;lt;b&amp;gt; tags and   white\tspace\n',
    'emoji 🚗🚦 drivers\'ll ǅ ΣΑΣ',
    'a a a aaaa <|endoftext|>',
]


def load_file(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--clip', required=True, help='the clip/ folder')
    parser.add_argument('--mmpretrain', required=True, help='checkout')
    parser.add_argument('--out', default='tests/data/checkpoints')
    parser.add_argument('--fixtures', default='tests/data/clip')
    args = parser.parse_args()
    model_py = load_file('openai_clip_model', osp.join(args.clip, 'model.py'))
    tok_py = load_file('openai_clip_tokenizer',
                       osp.join(args.clip, 'simple_tokenizer.py'))
    converter = load_file(
        'mmpretrain_clip_converter',
        osp.join(args.mmpretrain, 'tools', 'model_converters',
                 'openai-clip_to_mmpretrain-clip.py'))

    # OpenAI ViT-L/14
    clip = model_py.CLIP(**VIT_L14)
    # build_model infers the architecture from the shapes and converts
    # the weights to float16 as the published file has them
    state = model_py.build_model(clip.state_dict()).state_dict()
    assert {k: v.shape for k, v in state.items()} == \
        {k: v.shape for k, v in clip.state_dict().items()}
    definition = f'clip/model.py::CLIP({VIT_L14})'
    source = dict(
        repository='openai/CLIP',
        commit=CLIP_COMMIT,
        definition=definition,
        script=SCRIPT,
        checkpoint='ViT-L-14.pt (TorchScript; its state dict also holds '
        'input_resolution, context_length, vocab_size)')
    write_manifest(
        make_manifest(state, 'ViT-L-14', source),
        osp.join(args.out, 'ViT-L-14.json'))

    # mmpretrain's conversion (CLIPZeroShot layout) and the 3rdparty
    # image-tower checkpoint the configs load
    converted = converter.convert_clip(state)
    source = dict(
        repository='open-mmlab/mmpretrain',
        commit=MMPRETRAIN_COMMIT,
        definition='tools/model_converters/openai-clip_to_mmpretrain-clip.py'
        f'::convert_clip(openai/CLIP {CLIP_COMMIT} {definition}'
        '.state_dict())',
        script=SCRIPT,
        checkpoint='output of the converter on ViT-L-14.pt')
    write_manifest(
        make_manifest(converted, 'ViT-L-14_mmpretrain-clip', source),
        osp.join(args.out, 'ViT-L-14_mmpretrain-clip.json'))
    import mmpretrain.models  # noqa: F401  (registers ImageClassifier)
    from mmpretrain.registry import MODELS
    classifier = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(
                type='VisionTransformer',
                arch='l',
                img_size=224,
                patch_size=14,
                pre_norm=True)))
    backbone = classifier.state_dict()
    expected = {
        'backbone.' + k[len('visual.'):]: v.shape
        for k, v in converted.items()
        if k.startswith('visual.') and not k.startswith('visual_proj')
    }
    assert {k: v.shape for k, v in backbone.items()} == expected
    name = 'vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b'
    source = dict(
        repository='open-mmlab/mmpretrain',
        commit=MMPRETRAIN_COMMIT,
        definition='mmpretrain 1.2.0 ImageClassifier(backbone=dict(type='
        "'VisionTransformer', arch='l', img_size=224, patch_size=14, "
        "pre_norm=True)); keys and shapes equal to the converter's visual.*",
        script=SCRIPT,
        checkpoint='https://download.openmmlab.com/mmclassification/v0/clip/'
        f'{name}.pth (configs/clip/metafile.yml)')
    write_manifest(
        make_manifest(backbone, name, source, wrapper='state_dict'),
        osp.join(args.out, f'{name}.json'))

    # tokenizer fixture
    tokenizer = tok_py.SimpleTokenizer()
    sot, eot = tokenizer.encoder['<|startoftext|>'], \
        tokenizer.encoder['<|endoftext|>']
    ids = [[sot] + tokenizer.encode(p) + [eot] for p in PROMPTS]
    with open(osp.join(args.fixtures, 'tokenizer_ids.json'), 'w') as f:
        json.dump(
            dict(
                source=f'openai/CLIP {CLIP_COMMIT} clip/simple_tokenizer.py '
                '(ftfy and regex installed)',
                script=SCRIPT,
                prompts=PROMPTS,
                ids=ids),
            f,
            ensure_ascii=False,
            indent=1)

    # tiny CLIP parity fixture
    tiny = model_py.CLIP(**TINY).eval()
    manifest = make_manifest(
        tiny, 'tiny-clip',
        dict(
            repository='openai/CLIP',
            commit=CLIP_COMMIT,
            definition=f'clip/model.py::CLIP({TINY})',
            script=SCRIPT))
    weights = state_dict_from_manifest(manifest, seed=0, std=0.1)
    weights['logit_scale'] = torch.tensor(4.6052)
    tiny.load_state_dict(weights)
    generator = torch.Generator().manual_seed(1)
    images = torch.randn(3, 3, 32, 32, generator=generator)
    texts = tok_py.SimpleTokenizer()
    text_ids = torch.zeros(4, 77, dtype=torch.long)
    for i, p in enumerate(PROMPTS[:4]):
        row = [sot] + texts.encode(p) + [eot]
        text_ids[i, :len(row)] = torch.tensor(row)
    with torch.no_grad():
        image_embeds = tiny.encode_image(images)
        text_embeds = tiny.encode_text(text_ids)
        logits, _ = tiny(images, text_ids)
    with open(osp.join(args.fixtures, 'tiny_clip_parity.json'), 'w') as f:
        json.dump(
            dict(
                source=manifest['source'],
                config=TINY,
                seed=0,
                std=0.1,
                logit_scale=4.6052,
                keys=manifest['keys'],
                image_seed=1,
                image_shape=[3, 3, 32, 32],
                text_ids=[r[:int((r != 0).sum())].tolist() for r in text_ids],
                image_embeds=image_embeds.tolist(),
                text_embeds=text_embeds.tolist(),
                logits_per_image=logits.tolist()),
            f,
            indent=1)
    print('written')


if __name__ == '__main__':
    main()
