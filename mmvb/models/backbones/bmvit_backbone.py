# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.models.backbones import MViT
from mmaction.registry import MODELS


@MODELS.register_module()
class BMViTBackbone(MViT):
    """MViTv2 without the last query pooling, for token-level localization.

    The backbone of `Multiscale Vision Transformers meet Bipartite Matching
    for efficient single-stage Action Localization
    <https://arxiv.org/abs/2312.17686>`_ (BMViT, Table 1): MMAction2's
    :class:`~mmaction.models.backbones.MViT` with the query pooling of the
    last downscale block (the one after scale4) switched off, so a
    ``16 x 256 x 256`` clip gives ``8 x 16 x 16`` output tokens instead of
    ``8 x 8 x 8``.

    The network is built exactly as MMAction2's ``MViT`` (same modules,
    names and parameter shapes, including the ``norm3`` of the last scale
    and the relative-position tables of the 224-pixel construction size),
    and only then is the downscale block changed: its query pooling stride
    becomes ``(1, 1, 1)`` and its max-pool skip connection is dropped.
    Neither holds parameters, so every key of a Kinetics-400
    ``MViT(arch='small')`` checkpoint loads without missing or unexpected
    keys. The key/value strides of the last scale are left as they are
    (``(1, 1, 1)`` for the standard archs); the relative-position tables,
    built for the construction size, are interpolated at run time by
    ``MViT`` itself when the token grid is larger.

    Unlike ``MViT``, the output class token is off by default
    (``output_cls_token=False``): the localizer uses the patch tokens only.
    The class token still takes part in attention (``with_cls_token=True``)
    as in the pretrained model.

    Args:
        remove_last_pool (bool): Switch off the last query pooling
            (BMViT's default); False keeps MViTv2 as it is (the "pooling"
            rows of Table 2a). Defaults to True.
        output_cls_token (bool): See ``MViT``. Defaults to False.
        **kwargs: Other ``MViT`` arguments (``arch``, ``spatial_size``,
            ``temporal_size``, ``drop_path_rate``, ``init_cfg`` ...;
            ``init_cfg=None`` means MViT's default initialisation). Keep
            ``spatial_size`` at the checkpoint's training size (224 for
            Kinetics-400) so the relative-position tables match it.

    Example:
        >>> import torch
        >>> from mmvb.models import BMViTBackbone
        >>> net = BMViTBackbone(arch='small')
        >>> [x.shape for x in net(torch.rand(1, 3, 16, 256, 256))]
        [torch.Size([1, 768, 8, 16, 16])]
    """

    def __init__(self,
                 remove_last_pool: bool = True,
                 output_cls_token: bool = False,
                 **kwargs) -> None:
        if 'init_cfg' in kwargs and kwargs['init_cfg'] is None:
            kwargs.pop('init_cfg')  # MViT needs one: use its default init
        super().__init__(output_cls_token=output_cls_token, **kwargs)
        self.remove_last_pool = remove_last_pool
        if remove_last_pool:
            block = self.blocks[self.downscale_indices[-1]]
            block.attn.pool_q.stride = (1, 1, 1)
            block.pool_skip = None
