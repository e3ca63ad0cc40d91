# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional

from mmaction.utils import ConfigType, OptConfigType
from mmcv.cnn import build_activation_layer, build_norm_layer
from torch import nn


class MLP(nn.Sequential):
    """A stack of ``Linear -> (norm) -> activation`` blocks, then a Linear.

    The prediction MLPs of the set-prediction heads, written once:

    * BMViT (DETR / OWL-ViT style): ``num_layers - 1`` hidden blocks of
      ``Linear, GELU``, then ``Linear(hidden, out)``;
    * InstBlink (mmdet ``DIIHead``'s ``cls_fcs`` / ``reg_fcs``):
      ``num_layers`` blocks of ``Linear(bias=False), LayerNorm, ReLU`` and no
      output layer (``out_dims=None``).

    Submodules are numbered as in ``nn.Sequential`` (``0.weight``,
    ``1.weight``, ...), which is also the layout of an ``nn.ModuleList`` of
    the same layers, so published checkpoints of both kinds load.

    Args:
        in_dims (int): Input width.
        hidden_dims (int): Width of the hidden blocks.
        out_dims (int, optional): Output width of the last Linear; None for
            no output layer. Defaults to None.
        num_layers (int): Number of Linear layers (hidden blocks plus the
            output layer when ``out_dims`` is given). Defaults to 2.
        act_cfg (dict): Activation. Defaults to ``dict(type='GELU')``.
        norm_cfg (dict, optional): Normalisation after each hidden Linear.
            Defaults to None.
        hidden_bias (bool): Bias of the hidden Linear layers.
            Defaults to True.
    """

    def __init__(self,
                 in_dims: int,
                 hidden_dims: int,
                 out_dims: Optional[int] = None,
                 num_layers: int = 2,
                 act_cfg: ConfigType = dict(type='GELU'),
                 norm_cfg: OptConfigType = None,
                 hidden_bias: bool = True) -> None:
        num_hidden = num_layers - (out_dims is not None)
        assert num_hidden >= 0 and num_layers >= 1, \
            f'an MLP needs at least one layer, got num_layers={num_layers}'
        layers = []
        dims = in_dims
        for _ in range(num_hidden):
            layers.append(nn.Linear(dims, hidden_dims, bias=hidden_bias))
            if norm_cfg is not None:
                layers.append(build_norm_layer(norm_cfg, hidden_dims)[1])
            layers.append(build_activation_layer(act_cfg))
            dims = hidden_dims
        if out_dims is not None:
            layers.append(nn.Linear(dims, out_dims))
        super().__init__(*layers)
