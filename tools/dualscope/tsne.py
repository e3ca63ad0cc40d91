# Copyright (c) mmvb contributors. All rights reserved.
"""t-SNE plot of DualScope clip embeddings, coloured by class (Fig. 4).

Embeds every clip of the config's test set (or ``--split``) with a trained
model (the temporal scope's pooled features before the classifier,
:meth:`DualScopeRecognizer.extract_embeddings`), runs t-SNE
(:func:`mmvb.apis.tsne`) and saves the scatter plot and the raw embeddings
(``.npz`` next to the image).

Example::

    python tools/dualscope/tsne.py CONFIG CHECKPOINT --out tsne_aide.png
"""
import argparse
import os
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint
from tqdm import tqdm

import mmvb  # noqa: F401  (registers mmvb's modules)
from mmvb.apis import build_model_from_cfg, plot_embedding, tsne


def parse_args():
    parser = argparse.ArgumentParser(description='t-SNE of clip embeddings')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='trained weights')
    parser.add_argument('--out', default='tsne.png', help='image to write')
    parser.add_argument(
        '--split',
        default='test',
        choices=['train', 'val', 'test'],
        help='which dataloader of the config to embed')
    parser.add_argument('--max-samples', type=int, default=3000)
    parser.add_argument('--perplexity', type=float, default=30.0)
    parser.add_argument('--iters', type=int, default=1000)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--title', help='figure title')
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    return parser.parse_args()


def embed(cfg: Config,
          checkpoint: str,
          split: str = 'test',
          device: str = 'cpu',
          max_samples: int = 3000,
          progress: bool = True):
    """Clip embeddings ``[N, D]`` and labels ``[N]`` of a split."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = build_model_from_cfg(cfg, device=device)
    load_checkpoint(model, checkpoint, map_location='cpu')
    loader_cfg = dict(cfg[f'{split}_dataloader'])
    loader_cfg.update(persistent_workers=False)
    loader = Runner.build_dataloader(loader_cfg)
    embeddings, labels = [], []
    with torch.no_grad():
        for data in tqdm(loader, desc='embedding', disable=not progress):
            data = model.data_preprocessor(data, False)
            embeddings.append(
                model.extract_embeddings(data['inputs']).cpu().numpy())
            labels += [int(s.gt_label) for s in data['data_samples']]
            if len(labels) >= max_samples:
                break
    return np.concatenate(embeddings)[:max_samples], np.asarray(
        labels[:max_samples])


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    emb, labels = embed(cfg, args.checkpoint, args.split, args.device,
                        args.max_samples, not args.no_progress)
    points = tsne(emb, perplexity=args.perplexity, num_iters=args.iters)
    classes = cfg[f'{args.split}_dataloader'].dataset.get('metainfo',
                                                          {}).get('classes')
    if classes is None:
        from mmaction.registry import DATASETS
        dataset_cfg = dict(cfg[f'{args.split}_dataloader'].dataset)
        dataset_cfg.update(pipeline=[], lazy_init=False)
        classes = DATASETS.build(dataset_cfg).metainfo.get('classes')
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    plot_embedding(points, labels, args.out, classes, args.title)
    np.savez(
        osp.splitext(args.out)[0] + '.npz',
        embeddings=emb,
        points=points,
        labels=labels)
    print(f'{len(labels)} clips -> {args.out}')


if __name__ == '__main__':
    main()
