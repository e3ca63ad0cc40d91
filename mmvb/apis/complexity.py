# Copyright (c) mmvb contributors. All rights reserved.
"""Model analysis helpers used by ``tools/analysis`` (FLOPs, benchmarks)."""
from typing import Dict, Optional, Sequence, Union

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.complexity_analysis import _DEFAULT_SUPPORTED_FLOP_OPS
from mmengine.analysis.jit_handles import get_shape
from mmengine.analysis.print_helper import _format_size, complexity_stats_table
from mmengine.config import Config
from mmengine.model import BaseModel, revert_sync_batchnorm
from mmengine.registry import init_default_scope
from torch import nn


class TensorForward(nn.Module):
    """Run a model's whole network (no post-processing) on a tensor.

    Recognizers run ``backbone -> neck -> head`` through
    ``BaseRecognizer._forward(inputs, stage=...)``; other models run
    ``model(inputs, mode='tensor')``.

    Args:
        model (nn.Module): The model (an mmengine ``BaseModel``).
        stage (str): For recognizers, the last stage to run: ``'backbone'``,
            ``'neck'`` or ``'head'``. Defaults to ``'head'``.
    """

    def __init__(self, model: nn.Module, stage: str = 'head') -> None:
        super().__init__()
        self.model = model
        self.stage = stage

    def forward(self, inputs: torch.Tensor):
        """Forward ``inputs`` (the layout after the data preprocessor)."""
        if isinstance(self.model, BaseRecognizer):
            return self.model._forward(inputs, stage=self.stage)
        return self.model(inputs, mode='tensor')


def build_model_from_cfg(cfg: Union[Config, str],
                         device: str = 'cpu',
                         offline: bool = True) -> BaseModel:
    """Build ``cfg.model`` for analysis (eval mode, plain BatchNorm).

    Args:
        cfg (Config or str): A config or its path.
        device (str): Device to put the model on. Defaults to ``'cpu'``.
        offline (bool): Switch off pretrained-weight loading
            (:func:`mmvb.testing.disable_pretrained`) so no file or network
            access is needed; weights are random. Defaults to True.

    Returns:
        BaseModel: The model, weights initialised, in eval mode.
    """
    import mmvb  # noqa: F401  (registers modules)
    from mmvb.testing import disable_pretrained
    if isinstance(cfg, str):
        cfg = Config.fromfile(cfg)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = disable_pretrained(cfg.model) if offline else cfg.model
    model = MODELS.build(model_cfg)
    if hasattr(model, 'init_weights'):
        model.init_weights()
    model = revert_sync_batchnorm(model)
    return model.to(device).eval()


def sdpa_flop_jit(inputs, outputs) -> int:
    """MACs of ``aten::scaled_dot_product_attention``: ``q k^T`` and
    ``attn v`` (``B * heads * L * S * (d + d_v)``)."""
    q, k, v = (get_shape(x) for x in inputs[:3])
    return int(torch.Size(q[:-1]).numel() * k[-2] * (q[-1] + v[-1]))


#: Op groups of the counting conventions of :func:`model_complexity`.
LAYER_OPS = ('aten::_convolution', 'aten::linear', 'aten::addmm')
PRODUCT_OPS = ('aten::matmul', 'aten::bmm', 'aten::einsum', 'aten::mm',
               'aten::scaled_dot_product_attention')
COUNTINGS = ('mmengine', 'layers', 'layers+attention')


def model_complexity(model: nn.Module,
                     input_shape: Sequence[int],
                     stage: str = 'head',
                     show_table: bool = False,
                     counting: str = 'mmengine') -> Dict[str, object]:
    """Parameters and FLOPs with mmengine's complexity counter.

    mmengine (like fvcore) counts one fused multiply-add as one FLOP, i.e.
    its "FLOPs" are MACs; papers of this field usually report the same
    number. ``counting`` picks which operators count:

    * ``'mmengine'``: mmengine's default handles (convolutions, linear
      layers, matrix products, norms, pooling, ``grid_sample``, ...) plus
      ``scaled_dot_product_attention`` (which mmengine skips);
    * ``'layers'``: only convolution and linear layers (what module-level
      counters such as thop report; AST's "103.4 G" is this count);
    * ``'layers+attention'``: layers plus every matrix product
      (``matmul``/``bmm``/``einsum``/SDPA: the attention maps ``q k^T`` and
      their products with the values); no norms or element-wise ops.

    Args:
        model (nn.Module): The model.
        input_shape (Sequence[int]): Full input shape in the layout after the
            data preprocessor, batch included (e.g. ``(1, 8, 3, 224, 224)``
            for an 8-segment TSM clip).
        stage (str): See :class:`TensorForward`. Defaults to ``'head'``.
        show_table (bool): Also return mmengine's per-module table.
        counting (str): One of :data:`COUNTINGS`.
            Defaults to ``'mmengine'``.

    Returns:
        dict: ``flops`` and ``params`` (numbers), ``flops_str``,
        ``params_str`` and, if asked, ``table``.
    """
    if counting not in COUNTINGS:
        raise ValueError(f'counting must be one of {COUNTINGS}, '
                         f'got {counting!r}')
    device = next(model.parameters()).device
    inputs = torch.randn(*input_shape, device=device)
    wrapped = TensorForward(model, stage=stage).eval()
    handles = dict(_DEFAULT_SUPPORTED_FLOP_OPS)
    handles['aten::scaled_dot_product_attention'] = sdpa_flop_jit
    if counting != 'mmengine':
        keep = LAYER_OPS + (
            PRODUCT_OPS if counting == 'layers+attention' else ())
        handles = {k: v for k, v in handles.items() if k in keep}
    analyzer = FlopAnalyzer(wrapped, (inputs, ))
    analyzer.clear_op_handles().set_op_handle(**handles)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad():
        flops = analyzer.total()
    params = count_parameters(model)
    out = dict(
        flops=flops,
        params=params,
        flops_str=_format_size(flops),
        params_str=_format_size(params))
    if show_table:
        out['table'] = complexity_stats_table(
            analyzer, show_param_shapes=False)
    return out


def count_parameters(model: nn.Module,
                     trainable_only: bool = False,
                     prefix: Optional[str] = None) -> int:
    """Number of parameters, optionally only trainable ones or under a
    sub-module name prefix."""
    return sum(p.numel() for n, p in model.named_parameters()
               if (not trainable_only or p.requires_grad) and (
                   prefix is None or n.startswith(prefix)))
