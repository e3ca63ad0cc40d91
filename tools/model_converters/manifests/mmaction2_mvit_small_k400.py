# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest of MMAction2's Kinetics-400 MViTv2-S checkpoint.

Checkpoint: ``mvit-small-p244_16x4x1_kinetics400-rgb_20221021-9ebaaeed.pth``
(https://download.openmmlab.com/mmaction/v1.0/recognition/mvit/converted/,
converted from SlowFast; listed in ``configs/recognition/mvit/metafile.yml``
of open-mmlab/mmaction2 with the config
``configs/recognition/mvit/mvit-small-p244_32xb16-16x4x1-200e_kinetics400-rgb.py``).

Source: https://github.com/open-mmlab/mmaction2, commit
4d6c93474730cad2f25e51109adcf96824efc7a3 (tag v1.2.0, the installed
``mmaction2==1.2.0``). The model is that config's ``model``
(``Recognizer3D(backbone=MViT(arch='small', drop_path_rate=0.2),
cls_head=MViTHead(in_channels=768, num_classes=400))``, from
``configs/_base_/models/mvit_small.py``), built with MMAction2's registry
on the CPU. MMAction2 saves checkpoints as ``{'state_dict': ..., 'meta':
...}`` with the recognizer's keys: ``backbone.*`` and
``cls_head.fc_cls.*`` (the data preprocessor's mean/std buffers are not
persistent). ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=
'backbone.')`` (MMAction2's own Something-Something fine-tuning config and
the BMViT configs) reads the ``backbone.`` part.

Command that produced ``tests/data/checkpoints/
mvit-small-p244_16x4x1_kinetics400-rgb_20221021-9ebaaeed.json``::

    PYTHONPATH=$PWD python \
        tools/model_converters/manifests/mmaction2_mvit_small_k400.py \
        --config-root MMACTION2_CHECKOUT/configs

(without ``--config-root`` the configs shipped in the installed mmaction2
package, ``mmaction/.mim/configs``, are used).
"""
import argparse
import os.path as osp

import mmaction
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmvb.testing import make_manifest, write_manifest

NAME = 'mvit-small-p244_16x4x1_kinetics400-rgb_20221021-9ebaaeed'
CONFIG = ('recognition/mvit/'
          'mvit-small-p244_32xb16-16x4x1-200e_kinetics400-rgb.py')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--config-root',
        default=osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs'))
    parser.add_argument('--out-dir', default='tests/data/checkpoints')
    args = parser.parse_args()
    cfg = Config.fromfile(osp.join(args.config_root, CONFIG))
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    manifest = make_manifest(
        model,
        NAME,
        dict(
            repository='open-mmlab/mmaction2',
            commit='4d6c93474730cad2f25e51109adcf96824efc7a3',
            definition=f'configs/{CONFIG}::model (Recognizer3D, MViT small,'
            ' MViTHead 400)',
            script='tools/model_converters/manifests/'
            'mmaction2_mvit_small_k400.py',
            checkpoint='https://download.openmmlab.com/mmaction/v1.0/'
            f'recognition/mvit/converted/{NAME}.pth'),
        wrapper='state_dict')
    path = osp.join(args.out_dir, f'{NAME}.json')
    write_manifest(manifest, path)
    print(f'{path}: {len(manifest["keys"])} keys')


if __name__ == '__main__':
    main()
