# Copyright (c) mmvb contributors. All rights reserved.
"""CLIP's text tower.

Radford et al., "Learning Transferable Visual Models From Natural Language
Supervision" (ICML 2021), Sec. 2.4: a 12-layer, 512/768-wide causal
Transformer over BPE ids; the activations of the last layer at the ``[EOS]``
token, layer-normalised and linearly projected, are the text embedding.

The layers are mmpretrain's ``ResidualAttentionBlock`` stack
(``mmpretrain.models.utils.clip_generator_helper.Transformer``, importable
without torchvision, unlike mmpretrain's ``CLIPZeroShot``); parameter names
are OpenAI's (``clip/model.py`` of ``openai/CLIP``: ``token_embedding``,
``positional_embedding``, ``transformer.resblocks.N.*``, ``ln_final``,
``text_projection``), so the text part of OpenAI's checkpoints, and of
mmpretrain's conversion of them, loads under this module's prefix unchanged.
"""
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvb.utils import import_mmpretrain_models

if import_mmpretrain_models() is None:
    raise ImportError('CLIPTextEncoder needs mmpretrain: `pip install '
                      '"mmpretrain>=1.2.0,<1.3.0"`')
from mmpretrain.models.utils.clip_generator_helper import (  # noqa: E402
    LayerNorm, Transformer)


@MODELS.register_module()
class CLIPTextEncoder(BaseModule):
    """CLIP's text Transformer: BPE ids ``[N, L]`` -> embeddings ``[N, E]``.

    Defaults are CLIP ViT-L/14's text tower (width 768, 12 layers, 12 heads,
    embedding 768, 77 positions, 49,408 ids).

    Args:
        vocab_size (int): Number of token ids. Defaults to 49408.
        context_length (int): Positions. Defaults to 77.
        width (int): Transformer width. Defaults to 768.
        layers (int): Transformer layers. Defaults to 12.
        heads (int): Attention heads. Defaults to 12.
        embed_dims (int): Output embedding size. Defaults to 768.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 vocab_size: int = 49408,
                 context_length: int = 77,
                 width: int = 768,
                 layers: int = 12,
                 heads: int = 12,
                 embed_dims: int = 768,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.context_length = context_length
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(
            torch.empty(context_length, width))
        causal = torch.full((context_length, context_length),
                            float('-inf')).triu_(1)
        self.transformer = Transformer(width, layers, heads, causal)
        self.ln_final = LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed_dims))
        self._init_clip()

    def _init_clip(self) -> None:
        """CLIP's initialisation (``CLIP.initialize_parameters``)."""
        width, layers = self.transformer.width, self.transformer.layers
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        proj_std = width**-0.5 * (2 * layers)**-0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=width**-0.5)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=(2 * width)**-0.5)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=width**-0.5)

    def init_weights(self) -> None:
        """CLIP's random init, then ``init_cfg`` (if any)."""
        self._init_clip()
        super().init_weights()

    def forward(self, ids: Tensor) -> Tensor:
        """Embed token ids.

        Args:
            ids (Tensor): ``[N, context_length]`` ids, ``[EOS]`` (the
                largest id) ending each text, zeros after it.

        Returns:
            Tensor: ``[N, embed_dims]``, the projected ``[EOS]`` activation
            (not normalised).
        """
        if ids.shape[-1] != self.context_length:
            raise ValueError(f'expected [N, {self.context_length}] token '
                             f'ids, got {tuple(ids.shape)}')
        x = self.token_embedding(ids) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2))[0].permute(1, 0, 2)
        x = self.ln_final(x)
        eot = x[torch.arange(x.shape[0], device=x.device), ids.argmax(-1)]
        return eot @ self.text_projection
