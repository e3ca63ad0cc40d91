# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest of torchvision's ResNet-50 ImageNet weights.

W3's and TSM's R50 configs initialise from ``pretrained=
'torchvision://resnet50'``; mmengine resolves it (``mmengine/hub/
torchvision_0.12.json``) to ``https://download.pytorch.org/models/
resnet50-0676ba61.pth``, torchvision's ``ResNet50_Weights.IMAGENET1K_V1``
(acc@1 76.13): the state dict itself, no wrapper.

Official definition, imported, never copied: ``torchvision/models/
resnet.py::resnet50(weights=None)`` of ``pytorch/vision`` at commit
``1f1a920d685d46dfbe187934b785b7ecb7a182f2`` (the ``git_version`` of the
torchvision 0.29.1 wheel on PyPI, whose Python files are used).

torchvision cannot be imported next to mmvb's CPU torch (its compiled
extension does not match), so the script imports ``torchvision.models.
resnet`` from a package assembled in a temporary folder: the wheel's own
``models/resnet.py``, ``models/_api.py``, ``models/_meta.py``,
``models/_utils.py``, ``_utils.py`` and ``_internally_replaced_utils.py``,
and three stubs for what ``resnet.py`` imports but never calls when
building the model: an empty ``torchvision/__init__.py`` (the real one
loads the compiled extension), ``torchvision.utils._log_api_usage_once``
(a no-op) and ``torchvision.transforms._presets.ImageClassification`` (an
empty class; only referenced by the weight enums).

The definition's state dict has ``num_batches_tracked`` buffers (320 keys);
the published 2017 weights predate them, so the file may hold only the
other 267. ``tests/models/backbones/test_w3_checkpoints.py`` loads both
layouts.

Command (``TV``: the unpacked wheel, e.g. ``pip download --no-deps
torchvision==0.29.1`` then ``unzip`` it into ``TV``)::

    PYTHONPATH=. python tools/model_converters/manifests/\\
torchvision_resnet50.py TV
"""
import argparse
import os
import os.path as osp
import shutil
import sys
import tempfile

from mmvb.testing import make_manifest, write_manifest

REPOSITORY = 'pytorch/vision'
COMMIT = '1f1a920d685d46dfbe187934b785b7ecb7a182f2'
NAME = 'resnet50-0676ba61'
REAL_FILES = ('models/resnet.py', 'models/_api.py', 'models/_meta.py',
              'models/_utils.py', '_utils.py', '_internally_replaced_utils.py')
STUBS = {
    '__init__.py': '',
    'models/__init__.py': '',
    'transforms/__init__.py': '',
    'utils.py': 'def _log_api_usage_once(obj):\n    pass\n',
    'transforms/_presets.py': 'class ImageClassification:\n    pass\n',
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'torchvision',
        help='folder holding torchvision/models/resnet.py (unpacked wheel)')
    parser.add_argument(
        '--out',
        default=osp.join('tests', 'data', 'checkpoints', f'{NAME}.json'))
    return parser.parse_args()


def import_resnet(root: str):
    """``torchvision.models.resnet`` from ``root`` with the stubs above."""
    if 'torchvision' in sys.modules:
        raise RuntimeError('torchvision is already imported')
    tmp = tempfile.mkdtemp()
    pkg = osp.join(tmp, 'torchvision')
    for rel in REAL_FILES:
        src = osp.join(root, 'torchvision', rel)
        if not osp.isfile(src):
            raise FileNotFoundError(f'{src} not found: give the folder that '
                                    'holds the torchvision package')
        os.makedirs(osp.dirname(osp.join(pkg, rel)), exist_ok=True)
        shutil.copy(src, osp.join(pkg, rel))
    for rel, text in STUBS.items():
        os.makedirs(osp.dirname(osp.join(pkg, rel)), exist_ok=True)
        with open(osp.join(pkg, rel), 'w') as f:
            f.write(text)
    sys.path.insert(0, tmp)
    from torchvision.models import resnet
    return resnet


def main():
    args = parse_args()
    resnet = import_resnet(args.torchvision)
    model = resnet.resnet50(weights=None)
    url = resnet.ResNet50_Weights.IMAGENET1K_V1.url
    if not url.endswith(f'/{NAME}.pth'):
        raise RuntimeError(f'IMAGENET1K_V1 is {url}, expected {NAME}.pth')
    manifest = make_manifest(
        model,
        NAME,
        dict(
            repository=REPOSITORY,
            commit=COMMIT,
            definition='torchvision/models/resnet.py::resnet50(weights=None)',
            script='tools/model_converters/manifests/torchvision_resnet50.py',
            checkpoint=url),
        wrapper=None)
    write_manifest(manifest, args.out)
    print(f'{args.out}: {len(manifest["keys"])} keys')


if __name__ == '__main__':
    main()
