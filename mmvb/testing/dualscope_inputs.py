# Copyright (c) mmvb contributors. All rights reserved.
"""Demo inputs for DualScope models (config sweep, benchmarks)."""
import torch
from mmaction.structures import ActionDataSample

from ._utils import batch_shape, register_demo_inputs


@register_demo_inputs('SBCDPretrainer')
def sbcd_pretrainer_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """Images with head / left-hand / right-hand boxes, SAM tokens and
    validity flags as :class:`PackRegionInputs` packs them.

    By default the images are 4x4 patches (the ViT resizes its position
    embedding) and each sample has one valid region (sample ``i`` region
    ``i % 3``), so a config sweep runs one teacher crop per sample instead of
    three full-size ones; masking of invalid regions is exercised too.
    """
    patch = int(model_cfg['backbone'].get('patch_size', 16))
    shape = batch_shape(input_shape, batch_size, (1, 3, 4 * patch, 4 * patch))
    height, width = shape[-2:]
    region_dims = int(model_cfg['crcd_head'].get('region_dims', 256))
    boxes = torch.tensor([[0.1, 0.05, 0.5, 0.45], [0.05, 0.5, 0.45, 0.95],
                          [0.55, 0.5, 0.95, 0.95]])
    boxes = boxes * torch.tensor([width, height, width, height])
    samples = []
    for i in range(batch_size):
        sample = ActionDataSample()
        sample.set_field(boxes.clone(), 'region_boxes')
        sample.set_field(torch.randn(3, region_dims), 'region_tokens')
        valid = torch.zeros(3, dtype=torch.bool)
        valid[i % 3] = True
        sample.set_field(valid, 'region_valid')
        samples.append(sample)
    return torch.randn(*shape), samples
