# Copyright (c) mmvb contributors. All rights reserved.
"""Manifests of MMAction2's TSM-R50 checkpoints (8 frames, K400 and SthV2).

MMAction2's released TSM recognizers, as listed in its
``configs/recognition/tsm/metafile.yml``:

* ``tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_kinetics400-rgb_20220831-
  64d69186.pth`` (400 classes),
* ``tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_sthv2-rgb_20230317-
  be0fc26e.pth`` (174 classes),

both ``{'meta': ..., 'state_dict': recognizer state dict}`` (wrapper
``state_dict``; the data preprocessor's mean/std buffers are not
persistent, so not in it).

Official definition, imported, never copied: the model of each config
above (``Recognizer2D`` with ``ResNetTSM`` depth 50 and ``TSMHead``, from
``configs/_base_/models/tsm_r50.py``), built with ``MODELS.build`` by the
``mmaction`` package of ``open-mmlab/mmaction2`` at commit
``4d6c93474730cad2f25e51109adcf96824efc7a3`` (v1.2.0) on the CPU.

Stub, only for an import nothing here calls: an empty ``torchvision``
module where torchvision is not installed (``mmaction/models/localizers/
drn`` imports it at module level). mmvb itself is not imported (it would
import the installed mmaction first); the manifest helpers are loaded from
``mmvb/testing/checkpoint_manifest.py`` by path.

Command (``MMACTION2``: a checkout of the commit above)::

    python tools/model_converters/manifests/mmaction2_tsm_r50.py MMACTION2
"""
import argparse
import importlib.util
import os.path as osp
import sys
import types

MMVB_ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
REPOSITORY = 'open-mmlab/mmaction2'
COMMIT = '4d6c93474730cad2f25e51109adcf96824efc7a3'
URL = 'https://download.openmmlab.com/mmaction/v1.0/recognition/tsm/{}/{}.pth'
CHECKPOINTS = {
    'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_kinetics400-rgb':
    '20220831-64d69186',
    'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_sthv2-rgb':
    '20230317-be0fc26e',
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mmaction2', help='checkout of open-mmlab/mmaction2')
    parser.add_argument(
        '--out-dir', default=osp.join('tests', 'data', 'checkpoints'))
    return parser.parse_args()


def main():
    args = parse_args()
    root = osp.abspath(args.mmaction2)
    sys.path.insert(0, root)
    if importlib.util.find_spec('torchvision') is None:
        sys.modules['torchvision'] = types.ModuleType('torchvision')
    import mmaction
    if osp.dirname(osp.dirname(osp.abspath(mmaction.__file__))) != root:
        raise RuntimeError(f'mmaction imported from {mmaction.__file__}, '
                           f'not from the checkout {root}')
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    spec = importlib.util.spec_from_file_location(
        'checkpoint_manifest',
        osp.join(MMVB_ROOT, 'mmvb', 'testing', 'checkpoint_manifest.py'))
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    init_default_scope('mmaction')
    for config, stamp in CHECKPOINTS.items():
        rel = osp.join('configs', 'recognition', 'tsm', f'{config}.py')
        model = MODELS.build(Config.fromfile(osp.join(root, rel)).model)
        name = f'{config}_{stamp}'
        manifest = helpers.make_manifest(
            model,
            name,
            dict(
                repository=REPOSITORY,
                commit=COMMIT,
                definition=f'{rel}::MODELS.build(cfg.model)',
                script='tools/model_converters/manifests/'
                'mmaction2_tsm_r50.py',
                checkpoint=URL.format(config, name)),
            wrapper='state_dict')
        out = osp.join(args.out_dir, f'{name}.json')
        helpers.write_manifest(manifest, out)
        print(f'{out}: {len(manifest["keys"])} keys')


if __name__ == '__main__':
    main()
