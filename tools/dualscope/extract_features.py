# Copyright (c) mmvb contributors. All rights reserved.
"""Cache per-frame features of a DualScope config's frozen frame encoder.

Runs the frame encoder of a config (``cfg.model.backbone``, or, for models
that train on cached features, the top-level ``cfg.frame_encoder``: e.g.
CLIP ViT-L/14 or BCVE) once on every frame of every sample of
``cfg.feature_extraction.dataset`` and writes
``OUT_DIR/<sample id>.npy`` (``[num_frames, C]``), which the DualScope
configs then read with ``LoadClipFeatures`` (``feature_root=OUT_DIR``) to
train the temporal scope without running the encoder again.

Examples::

    python tools/dualscope/extract_features.py \
        configs/dualscope/${CONFIG} data/features/aide_vit-large-p14-clip \
        --device cuda --frames-per-batch 128
    # with CONFIG=dualscope_clip-pretrained-vit-large-p14-feat_\
    #   1xb32-16x1x1-100e_aide-rgb.py
    # several processes / GPUs: --shard 0 4, --shard 1 4, ...

Existing files are skipped unless ``--overwrite``. ``OUT_DIR/meta.json``
records the config, the feature size and the dtype.
"""
import argparse
import json
import os
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from tqdm import tqdm

import mmvb  # noqa: F401  (registers mmvb's modules)
from mmvb.apis import build_model_from_cfg


def parse_args():
    parser = argparse.ArgumentParser(description='Cache frame features')
    parser.add_argument('config', help='a DualScope config')
    parser.add_argument('out_dir', help='folder for <sample id>.npy files')
    parser.add_argument(
        '--checkpoint',
        help='weights to load into the model (optional; '
        'the encoder may load its own through init_cfg)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--frames-per-batch',
        type=int,
        default=64,
        help='frames per encoder call')
    parser.add_argument(
        '--dtype',
        default='float16',
        choices=['float16', 'float32'],
        help='storage dtype')
    parser.add_argument('--num-workers', type=int, default=2)
    parser.add_argument(
        '--shard',
        type=int,
        nargs=2,
        default=(0, 1),
        metavar=('INDEX', 'COUNT'),
        help='process every COUNT-th sample starting at INDEX')
    parser.add_argument('--overwrite', action='store_true')
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    return parser.parse_args()


def extract(cfg: Config,
            out_dir: str,
            checkpoint: str = None,
            device: str = 'cpu',
            frames_per_batch: int = 64,
            dtype: str = 'float16',
            num_workers: int = 2,
            shard=(0, 1),
            overwrite: bool = False,
            progress: bool = True) -> dict:
    """Extract and save the features; returns a summary dict."""
    from mmaction.registry import DATASETS
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if 'feature_extraction' not in cfg:
        raise KeyError('the config has no `feature_extraction` '
                       '(dict(dataset=...)) to read frames from')
    encoder = cfg.model.get('backbone') or cfg.get('frame_encoder')
    if encoder is None:
        raise KeyError('the config defines no frame encoder (model.backbone '
                       'or frame_encoder)')
    cfg = cfg.copy()
    cfg.model = dict(cfg.model, backbone=encoder, freeze_backbone=True)
    # Without a checkpoint the encoder loads its own weights (init_cfg).
    model = build_model_from_cfg(
        cfg, device=device, offline=checkpoint is not None)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.frames_per_forward = frames_per_batch
    dataset = DATASETS.build(cfg.feature_extraction.dataset)
    index, count = shard
    indices = list(range(index, len(dataset), count))
    todo = [
        i for i in indices if overwrite or not osp.isfile(
            osp.join(out_dir,
                     dataset.get_data_info(i)['sample_id'] + '.npy'))
    ]
    os.makedirs(out_dir, exist_ok=True)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(dataset, todo),
        batch_size=1,
        num_workers=num_workers,
        collate_fn=pseudo_collate)
    channels = None
    with torch.no_grad():
        for data in tqdm(
                loader, desc='frames -> features', disable=not progress):
            data = model.data_preprocessor(data, False)
            feats = model.extract_feat(data['inputs'], stage='backbone')[0]
            sample_id = data['data_samples'][0].metainfo.get('sample_id')
            if sample_id is None:
                raise KeyError('the pipeline must end with PackActionInputs('
                               "meta_keys=('sample_id', ))")
            array = feats[0].float().cpu().numpy().astype(dtype)
            channels = array.shape[-1]
            np.save(osp.join(out_dir, sample_id + '.npy'), array)
    summary = dict(
        config=cfg.filename,
        encoder=str(encoder.get('type')),
        feature_dims=channels,
        dtype=dtype,
        num_samples=len(dataset),
        extracted=len(todo))
    if index == 0:
        with open(osp.join(out_dir, 'meta.json'), 'w') as f:
            json.dump(summary, f, indent=2)
    return summary


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    summary = extract(cfg, args.out_dir, args.checkpoint, args.device,
                      args.frames_per_batch, args.dtype, args.num_workers,
                      tuple(args.shard), args.overwrite, not args.no_progress)
    print(json.dumps(summary, indent=2))


if __name__ == '__main__':
    main()
