# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.engine.optimizers import TSMOptimWrapperConstructor
from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from torch import nn

# Group order written by ``TSMOptimWrapperConstructor.add_params``.
_NORMAL_WEIGHT, _NORMAL_BIAS, _LR5_WEIGHT, _LR10_BIAS = 2, 3, 5, 6


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class TSMHeadsOptimWrapperConstructor(TSMOptimWrapperConstructor):
    """``TSMOptimWrapperConstructor`` whose ``fc_lr5`` covers every
    classifier of ``cls_head``.

    MMAction2's constructor gives the 5x / 10x learning rates of ``fc_lr5``
    to the *last* linear (or convolution) layer of the model only, which is
    right for ``TSMHead`` but leaves all but the last classifier of a head
    with several (e.g. the verb classifier of
    :class:`~mmvb.models.VerbNounHead`) at the backbone's rate. This
    constructor builds the same groups, then moves the weights and biases of
    every ``nn.Linear`` inside ``model.cls_head`` to the 5x weight / 10x
    bias groups. Without ``fc_lr5``, or for a single-classifier head, the
    groups are identical to MMAction2's.

    All other rules are MMAction2's (and cover the W3 layers, which are
    convolutions only): the first convolution at the base rate; other
    convolution and linear weights at the base rate with weight decay;
    their biases at 2x without decay; norm parameters without decay.
    """

    def add_params(self, params, model, **kwargs):
        """Add TSM parameter groups (see the class docstring)."""
        start = len(params)
        super().add_params(params, model, **kwargs)
        head = getattr(model, 'cls_head', None)
        if not self.paramwise_cfg.get('fc_lr5') or head is None:
            return
        groups = params[start:]
        for layer in head.modules():
            if not isinstance(layer, nn.Linear):
                continue
            for param, src, dst in ((layer.weight, _NORMAL_WEIGHT,
                                     _LR5_WEIGHT), (layer.bias, _NORMAL_BIAS,
                                                    _LR10_BIAS)):
                if param is None:
                    continue
                src_params = groups[src]['params']
                for i, p in enumerate(src_params):
                    if p is param:
                        groups[dst]['params'].append(src_params.pop(i))
                        break
