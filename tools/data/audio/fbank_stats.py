# Copyright (c) mmvb contributors. All rights reserved.
"""Mean and std of a dataset's log-mel features (for ``NormalizeFbank``).

AST's procedure (``src/get_norm_stats.py``): the features of training clips,
after padding/cropping to the target length and before any augmentation or
normalisation, averaged over clips.

Example::

    python tools/data/audio/fbank_stats.py \
        data/vggsound/vggsound_train_list_audio.txt --data-root data/vggsound
"""
import argparse
import json

import numpy as np
from tqdm import tqdm

from mmvb.datasets import CheckedAudioDataset
from mmvb.utils import register_all_modules


def fbank_stats(ann_file: str,
                data_root: str = '',
                num_samples: int = 1000,
                target_length: int = 1024,
                seed: int = 0,
                progress: bool = True) -> dict:
    """Mean and std over up to ``num_samples`` random clips.

    Returns:
        dict: ``mean``, ``std`` and ``num_samples``.
    """
    register_all_modules()
    dataset = CheckedAudioDataset(
        ann_file,
        pipeline=[
            dict(type='LoadAudio'),
            dict(type='KaldiFbank'),
            dict(type='PadCropFbank', target_length=target_length)
        ],
        data_prefix=dict(audio=data_root))
    rng = np.random.default_rng(seed)
    count = min(num_samples, len(dataset))
    indices = rng.choice(len(dataset), count, replace=False)
    means, stds = [], []
    for i in tqdm(indices, desc='fbank stats', disable=not progress):
        fbank = dataset[int(i)]['fbank']
        means.append(float(fbank.mean()))
        stds.append(float(fbank.std()))
    return dict(
        mean=float(np.mean(means)),
        std=float(np.mean(stds)),
        num_samples=count)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file', help='AudioDataset annotation list')
    parser.add_argument('--data-root', default='')
    parser.add_argument('--num-samples', type=int, default=1000)
    parser.add_argument('--target-length', type=int, default=1024)
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args(argv)
    stats = fbank_stats(
        args.ann_file,
        args.data_root,
        args.num_samples,
        args.target_length,
        progress=not args.no_progress)
    print(json.dumps(stats))
    return stats


if __name__ == '__main__':
    main()
