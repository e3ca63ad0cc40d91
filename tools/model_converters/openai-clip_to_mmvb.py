# Copyright (c) mmvb contributors. All rights reserved.
"""Convert an OpenAI CLIP checkpoint (``ViT-L-14.pt``, a TorchScript archive
or a state dict) or mmpretrain's conversion of it to mmvb's
:class:`ZeroShotRecognizer` key names, as ``{'state_dict': ...}`` for
``tools/test.py``::

    python tools/model_converters/openai-clip_to_mmvb.py ViT-L-14.pt \\
        checkpoints/clip-vit-large-p14_mmvb.pth
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.runner import CheckpointLoader

from mmvb.models.utils import convert_clip_checkpoint, unwrap_state_dict


def load_clip(path: str) -> dict:
    """State dict of a TorchScript archive or of a checkpoint file."""
    try:
        return torch.jit.load(path, map_location='cpu').state_dict()
    except RuntimeError:
        return unwrap_state_dict(
            CheckpointLoader.load_checkpoint(path, map_location='cpu'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='OpenAI or mmpretrain CLIP checkpoint')
    parser.add_argument('dst', help='output .pth')
    args = parser.parse_args()
    state_dict, report = convert_clip_checkpoint(load_clip(args.src))
    state_dict = {k: v.float() for k, v in state_dict.items()}
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    torch.save(dict(state_dict=state_dict), args.dst)
    print(f'{args.src} -> {args.dst}: {report}')


if __name__ == '__main__':
    main()
