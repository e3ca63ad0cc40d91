# Copyright (c) mmvb contributors. All rights reserved.
"""Plot DATAR's learned sampling points over a spectrogram (paper Fig. 3).

The audio goes through the config's test pipeline (decoding, fbank,
padding, normalisation); the figure shows, for the last deformable blocks,
the reference grid and the deformed key positions on the spectrogram.

Example (``CONFIG`` e.g. the synthetic DATAR config)::

    python tools/visualizations/vis_datar_sampling.py $CONFIG \
        --checkpoint work_dirs/datar_syn/epoch_30.pth \
        --audio data/synthetic/audio_events/audio/val/00002.wav \
        --out sampling_points.png
"""
import argparse

from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.runner import load_checkpoint

from mmvb.apis import build_model_from_cfg
from mmvb.visualization import collect_sampling_points, plot_sampling_points


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a DATAR config')
    parser.add_argument('--checkpoint', help='trained weights (optional)')
    parser.add_argument('--audio', required=True, help='audio or video file')
    parser.add_argument('--start', type=float, help='segment start (s)')
    parser.add_argument('--stop', type=float, help='segment stop (s)')
    parser.add_argument('--out', default='sampling_points.png')
    parser.add_argument('--max-blocks', type=int, default=4)
    return parser.parse_args(argv)


def main(argv=None) -> str:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    model = build_model_from_cfg(cfg)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu')
    steps = [
        TRANSFORMS.build(s) for s in cfg.test_dataloader.dataset.pipeline
        if s['type'] not in ('PackActionInputs', )
    ]
    results = dict(audio_path=args.audio)
    if args.start is not None:
        results['audio_start'] = args.start
    if args.stop is not None:
        results['audio_stop'] = args.stop
    results = Compose(steps)(results)
    import torch
    spec = torch.from_numpy(results['audios'])  # [1, 1, F, T]
    records = collect_sampling_points(model.backbone, spec)
    out = plot_sampling_points(
        spec[0, 0].numpy(),
        records,
        args.out,
        title=f'{args.audio}: learned sampling points',
        max_blocks=args.max_blocks)
    print(f'wrote {out}')
    return out


if __name__ == '__main__':
    main()
