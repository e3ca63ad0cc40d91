# Copyright (c) mmvb contributors. All rights reserved.
from torch import Tensor, nn


class QueryInteraction(nn.Module):
    """InstBlink's Query Interaction Module (QIM, Sec. 4.2, Eq. 1-2).

    Queries are laid out as ``[B, T, Q, D]``: ``Q`` instance queries, each
    with one embedding per frame of a ``T``-frame clip. QIM runs

    1. *spatial* self-attention among the ``Q`` queries of each frame
       (sequence ``Q``, batch ``B * T``), then
    2. *temporal* self-attention among the ``T`` embeddings of each query
       (sequence ``T``, batch ``B * Q``),

    each as ``x <- LN(x + MHSA(x))`` with no positional embedding. The
    official code (inherited from TeViT's ``STQIHead``) uses the **same**
    attention and LayerNorm for both (``share_weights=True``, the default);
    ``share_weights=False`` gives the temporal step its own
    ``temporal_attn`` / ``temporal_norm``. ``spatial`` / ``temporal``
    switch the steps off for the Table 5 ablations (both off: "w/o QIM",
    the module is the identity).

    Args:
        embed_dims (int): Query channels ``D``. Defaults to 256.
        num_heads (int): Attention heads. Defaults to 8.
        dropout (float): Attention dropout. Defaults to 0.
        spatial (bool): Spatial interaction. Defaults to True.
        temporal (bool): Temporal interaction. Defaults to True.
        share_weights (bool): One attention for both steps.
            Defaults to True.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_heads: int = 8,
                 dropout: float = 0.0,
                 spatial: bool = True,
                 temporal: bool = True,
                 share_weights: bool = True) -> None:
        super().__init__()
        self.spatial = spatial
        self.temporal = temporal
        self.share_weights = share_weights
        if spatial or temporal:
            self.attn = nn.MultiheadAttention(
                embed_dims, num_heads, dropout=dropout, batch_first=True)
            self.norm = nn.LayerNorm(embed_dims)
        if spatial and temporal and not share_weights:
            self.temporal_attn = nn.MultiheadAttention(
                embed_dims, num_heads, dropout=dropout, batch_first=True)
            self.temporal_norm = nn.LayerNorm(embed_dims)

    @staticmethod
    def _self_attend(attn: nn.MultiheadAttention, norm: nn.LayerNorm,
                     x: Tensor) -> Tensor:
        return norm(x + attn(x, x, x, need_weights=False)[0])

    def forward(self, query: Tensor) -> Tensor:
        """Interact the queries of a batch of clips.

        Args:
            query (Tensor): ``[B, T, Q, D]``.

        Returns:
            Tensor: ``[B, T, Q, D]``.
        """
        b, t, q, d = query.shape
        if self.spatial:
            query = self._self_attend(self.attn, self.norm,
                                      query.reshape(b * t, q,
                                                    d)).view(b, t, q, d)
        if self.temporal:
            attn, norm = self.attn, self.norm
            if self.spatial and not self.share_weights:
                attn, norm = self.temporal_attn, self.temporal_norm
            x = query.transpose(1, 2).reshape(b * q, t, d)
            query = self._self_attend(attn, norm, x).view(b, q, t,
                                                          d).transpose(1, 2)
        return query
