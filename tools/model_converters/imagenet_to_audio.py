# Copyright (c) mmvb contributors. All rights reserved.
"""Convert ImageNet checkpoints for DATAR / AST configs (mmvb keys).

* DAT v1 (``dat_{tiny,small,base}_in1k_224.pth`` from LeapLabTHU/DAT) for a
  ``DeformableAudioTransformer`` config;
* timm or mmpretrain ViT/DeiT checkpoints for an
  ``AudioSpectrogramTransformer`` config.

The config's backbone gives the target shapes (spectrogram size, window,
AOG kernel, ...). The output holds ``state_dict`` with ``backbone.`` keys,
for ``load_from`` or ``init_cfg=dict(type='Pretrained', ...)``; the report
(what was summed, resized, padded, dropped, left at random init) is printed
and saved next to it as ``.txt``. The configs can also convert on the fly:
set ``model.backbone.pretrained`` to the original checkpoint.

Example::

    python tools/model_converters/imagenet_to_audio.py \
        configs/datar/datar_in1k-pretrained-dat-b_8xb12-50e_vggsound-audio.py \
        dat_base_in1k_224.pth checkpoints/datar-b_in1k-converted.pth
"""
import argparse
import os
import os.path as osp

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader

from mmvb.models.utils import dat_to_datar, vit_to_ast


def convert(config: str, src: str, dst: str) -> str:
    """Convert ``src`` for ``config``'s backbone and save it to ``dst``.

    Returns:
        str: The conversion report.
    """
    import mmvb  # noqa: F401  (registers the backbones)
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    backbone_cfg = cfg.model.backbone.copy()
    backbone_cfg.pop('pretrained', None)
    backbone = MODELS.build(backbone_cfg)
    target = dict(backbone.named_parameters())
    ckpt = CheckpointLoader.load_checkpoint(src, map_location='cpu')
    if backbone_cfg.type == 'DeformableAudioTransformer':
        state, report = dat_to_datar(ckpt, target)
    elif backbone_cfg.type == 'AudioSpectrogramTransformer':
        state, report = vit_to_ast(ckpt, target, backbone.patch_resolution,
                                   backbone.num_extra_tokens)
    else:
        raise ValueError(f'no converter for backbone {backbone_cfg.type}')
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    torch.save(
        dict(
            state_dict={f'backbone.{k}': v
                        for k, v in state.items()},
            meta=dict(source=osp.basename(src), config=config)), dst)
    text = str(report)
    with open(osp.splitext(dst)[0] + '.txt', 'w') as f:
        f.write(text + '\n')
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='DATAR or AST config')
    parser.add_argument('src', help='ImageNet checkpoint')
    parser.add_argument('dst', help='output checkpoint')
    args = parser.parse_args(argv)
    print(convert(args.config, args.src, args.dst))


if __name__ == '__main__':
    main()
