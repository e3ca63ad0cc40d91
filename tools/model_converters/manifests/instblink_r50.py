# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest of the released InstBlink R50 checkpoint (``instblink_r50.pth``).

Official definition: ``wenzhengzeng/MPEblink`` at the release commit
``ee9a44f59b654c912bfe29388069b381377f9a9c``, an MMDetection 2.23 fork;
``configs/instblink/instblink_r50.py`` built with
``mmdet.models.build_detector`` (``InstBlink`` of
``mmdet/models/detectors/instblink.py``: ResNet-50, FPN P2-P5,
``EmbeddingRPNHead`` with 50 proposals, ``InstBlinkRoIHead`` with 4
``STQIHead`` stages and 4 ``BlinkHead`` s), backbone ``init_cfg`` None.

The released file (README links, Google Drive / Baidu) was saved when the
blink heads were still called ``mask_head``: the repository's
``init_detector`` loads it with ``revise_keys=[(r'^module\\.', ''),
('mask_head', 'blink_head')]`` (``mmdet/apis/inference.py``). The manifest
records the file, so the definition's ``roi_head.blink_head.`` keys are
written as ``roi_head.mask_head.``; mmcv's ``save_checkpoint`` stores the
weights under ``state_dict`` (the wrapper).

The fork is imported from checkouts with mmcv 1.4.8's pure-Python code;
mmcv-full's compiled ops (``mmcv._ext``) and, where absent, torchvision
are stubbed (:mod:`mmdet2_fork` in this folder says how); no forward pass
runs.

Writes ``tests/data/checkpoints/instblink_r50.json``.

Command (``MPEBLINK`` = ``git archive`` of wenzhengzeng/MPEblink at the
commit above, ``MMCV`` = open-mmlab/mmcv at tag v1.4.8, ``SITE`` =
``pip install --no-deps --target SITE terminaltables six pycocotools``)::

    python tools/model_converters/manifests/instblink_r50.py \
        --mpeblink MPEBLINK --mmcv MMCV --site SITE
"""
import argparse
import os
import os.path as osp
import re
from collections import OrderedDict

import mmdet2_fork

REPOSITORY = 'wenzhengzeng/MPEblink'
COMMIT = 'ee9a44f59b654c912bfe29388069b381377f9a9c'
CONFIG = 'configs/instblink/instblink_r50.py'
NAME = 'instblink_r50'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--mpeblink', required=True, help='wenzhengzeng/MPEblink checkout')
    parser.add_argument('--mmcv', required=True, help='mmcv v1.4.8 checkout')
    parser.add_argument(
        '--site', help='folder with terminaltables, six, '
        'pycocotools')
    parser.add_argument(
        '--out',
        default=osp.join(mmdet2_fork.ROOT, 'tests', 'data', 'checkpoints'))
    args = parser.parse_args()
    mmdet2_fork.setup(args.mmcv, args.mpeblink, args.site)
    manifest_lib = mmdet2_fork.load_manifest_module()
    model = mmdet2_fork.build_detector(osp.join(args.mpeblink, CONFIG))
    state = model.state_dict()
    assert not any('mask_head' in k for k in state), 'unexpected mask head'
    released = OrderedDict(
        (re.sub(r'^roi_head\.blink_head\.', 'roi_head.mask_head.', k), v)
        for k, v in state.items())
    manifest = manifest_lib.make_manifest(
        released,
        NAME,
        dict(
            repository=REPOSITORY,
            commit=COMMIT,
            definition=f'{CONFIG} via mmdet.models.build_detector '
            '(InstBlink, backbone init_cfg=None), roi_head.blink_head -> '
            'roi_head.mask_head as in the released file; mmcv 1.4.8 '
            f'({mmdet2_fork.MMCV_REPOSITORY}@{mmdet2_fork.MMCV_COMMIT})',
            script='tools/model_converters/manifests/instblink_r50.py',
            checkpoint='instblink_r50.pth (README links of the repository)'),
        wrapper='state_dict')
    os.makedirs(args.out, exist_ok=True)
    path = osp.join(args.out, f'{NAME}.json')
    manifest_lib.write_manifest(manifest, path)
    print(f'{path}: {len(manifest["keys"])} keys')


if __name__ == '__main__':
    main()
