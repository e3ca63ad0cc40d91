# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest of TeViT R50 (YouTube-VIS 2019), InstBlink's initialisation.

InstBlink is "pre-trained on YouTube-VIS under [47]" (Sec. 5.1 of the
paper; [47] is TeViT) and the official training script starts from
``load_from=pretrained_models/tevit_r50.pth`` (``tools/train.sh`` of
wenzhengzeng/MPEblink@ee9a44f59b654c912bfe29388069b381377f9a9c).

Official definition: ``hustvl/TeViT`` at commit
``961fd6bd9a8a0e6f2f4429b8f80e768d37df32df``, an MMDetection 2.23 fork;
``configs/tevit/tevit_r50.py`` built with ``mmdet.models.build_detector``
(``TeViT`` of ``mmdet/models/detectors/tevit.py``: ResNet-50, FPN P2-P5,
``EmbeddingRPNHead`` with 100 proposals, ``TeViTRoIHead`` with 6 stages of
``STQIHead`` (40 YouTube-VIS classes) and 6 ``DynamicMaskHead`` s),
backbone ``init_cfg`` set to None (no ImageNet download). The published
file ``tevit_r50.pth`` (README of the repository:
``https://github.com/hustvl/Storage/releases/download/v1.1.0/
tevit_r50.pth``) was saved by mmcv's ``save_checkpoint``, which stores the
weights under ``state_dict`` (recorded as the manifest's wrapper).

The fork is imported from checkouts with mmcv 1.4.8's pure-Python code;
mmcv-full's compiled ops (``mmcv._ext``) and, where absent, torchvision
are stubbed (:mod:`mmdet2_fork` in this folder says how); no forward pass
runs.

Writes ``tests/data/checkpoints/tevit_r50.json``.

Command (``TEVIT`` = ``git archive`` of hustvl/TeViT at the commit above,
``MMCV`` = open-mmlab/mmcv at tag v1.4.8, ``SITE`` =
``pip install --no-deps --target SITE terminaltables six pycocotools``)::

    python tools/model_converters/manifests/tevit_r50.py \
        --tevit TEVIT --mmcv MMCV --site SITE
"""
import argparse
import os
import os.path as osp

import mmdet2_fork

REPOSITORY = 'hustvl/TeViT'
COMMIT = '961fd6bd9a8a0e6f2f4429b8f80e768d37df32df'
CONFIG = 'configs/tevit/tevit_r50.py'
NAME = 'tevit_r50'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--tevit', required=True, help='hustvl/TeViT checkout')
    parser.add_argument('--mmcv', required=True, help='mmcv v1.4.8 checkout')
    parser.add_argument(
        '--site', help='folder with terminaltables, six, '
        'pycocotools')
    parser.add_argument(
        '--out',
        default=osp.join(mmdet2_fork.ROOT, 'tests', 'data', 'checkpoints'))
    args = parser.parse_args()
    mmdet2_fork.setup(args.mmcv, args.tevit, args.site)
    manifest_lib = mmdet2_fork.load_manifest_module()
    model = mmdet2_fork.build_detector(osp.join(args.tevit, CONFIG))
    manifest = manifest_lib.make_manifest(
        model,
        NAME,
        dict(
            repository=REPOSITORY,
            commit=COMMIT,
            definition=f'{CONFIG} via mmdet.models.build_detector (TeViT, '
            'backbone init_cfg=None); mmcv 1.4.8 '
            f'({mmdet2_fork.MMCV_REPOSITORY}@{mmdet2_fork.MMCV_COMMIT})',
            script='tools/model_converters/manifests/tevit_r50.py',
            checkpoint='https://github.com/hustvl/Storage/releases/download/'
            'v1.1.0/tevit_r50.pth'),
        wrapper='state_dict')
    os.makedirs(args.out, exist_ok=True)
    path = osp.join(args.out, f'{NAME}.json')
    manifest_lib.write_manifest(manifest, path)
    print(f'{path}: {len(manifest["keys"])} keys')


if __name__ == '__main__':
    main()
