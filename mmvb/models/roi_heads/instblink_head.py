# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink's iterative query head (Zeng et al., CVPR 2023, Sec. 4).

`Real-time Multi-person Eyeblink Detection in the Wild for Untrimmed Video
<https://arxiv.org/abs/2303.16053>`_. Behaviour follows the official code
(wenzhengzeng/MPEblink@ee9a44f: ``mmdet/models/roi_heads/
instblink_roi_head.py``, ``roi_heads/bbox_heads/stqi_head.py``,
``roi_heads/mask_heads/blink_head.py``); deviations are named where
they occur.
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import MODELS, TASK_UTILS
from mmaction.utils import ConfigType, OptConfigType, SampleList
from mmcv.cnn.bricks.transformer import FFN
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmvb.ops import (box_cxcywh_to_xyxy, delta_xywh_decode,
                      map_rois_to_levels, multi_level_roi_align,
                      multi_level_roi_table)
from mmvb.utils import reduce_mean
from ..layers import MLP, DynamicConv, QueryInteraction
from ..losses import matched_box_losses
from ..task_modules import HungarianMatcher, pad_targets


def _fcs(channels: int, num_layers: int) -> MLP:
    """``num_layers`` x (Linear without bias, LayerNorm, ReLU): ``DIIHead``'s
    ``cls_fcs`` / ``reg_fcs``."""
    return MLP(
        channels,
        channels,
        num_layers=num_layers,
        act_cfg=dict(type='ReLU', inplace=True),
        norm_cfg=dict(type='LN'),
        hidden_bias=False)


class InstBlinkStage(nn.Module):
    """One iteration of InstBlink: QIM, VIM and the task heads.

    On queries ``[B, T, Q, D]`` and their RoI features
    ``[B * T * Q, D, S, S]``:

    1. **QIM** (:class:`~mmvb.models.layers.QueryInteraction`): spatial
       then temporal self-attention;
    2. **VIM**: ``x = LN(x + DynamicConv(x, roi))`` (filters generated from
       the query, Sec. 4.3), then ``x = LN(x + FFN(x))``;
    3. **face head**: existence logit (``cls_fcs`` + ``fc_cls``) and box
       deltas (``reg_fcs`` + ``fc_reg``) per frame;
    4. **blink head** (:meth:`blink`): per-frame blink logit on the updated
       query. ``blink_head_type='official'`` is what the official code
       computes (``fc_blink(ReLU(x))``: its 2-layer MLP is evaluated but its
       output discarded in ``BlinkHead.forward`` of
       ``mmdet/models/roi_heads/mask_heads/blink_head.py``); ``'mlp'`` is the
       intended ``2 x (Linear, LN, ReLU)`` MLP before ``fc_blink``.

    Everything is batched over clips, frames and queries. Parameter names
    follow the official ``STQIHead`` / ``BlinkHead`` where they exist.

    Args:
        embed_dims (int): Query channels. Defaults to 256.
        num_heads (int): Attention heads. Defaults to 8.
        feedforward_channels (int): FFN hidden channels. Defaults to 2048.
        dropout (float): Dropout of attention, VIM and FFN. Defaults to 0.
        dynamic_conv_channels (int): Filter channels of VIM.
            Defaults to 64.
        roi_size (int): RoI side. Defaults to 7.
        num_cls_fcs (int): Hidden layers of the existence branch.
            Defaults to 1.
        num_reg_fcs (int): Hidden layers of the box branch. Defaults to 3.
        qim_spatial (bool): Spatial interaction. Defaults to True.
        qim_temporal (bool): Temporal interaction. Defaults to True.
        qim_share_weights (bool): Shared spatial/temporal attention.
            Defaults to True.
        vim_filter (bool): Dynamic filters in VIM. Defaults to True.
        blink_head_type (str, optional): ``'official'``, ``'mlp'`` or None
            (no blink head). Defaults to ``'official'``.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_heads: int = 8,
                 feedforward_channels: int = 2048,
                 dropout: float = 0.0,
                 dynamic_conv_channels: int = 64,
                 roi_size: int = 7,
                 num_cls_fcs: int = 1,
                 num_reg_fcs: int = 3,
                 qim_spatial: bool = True,
                 qim_temporal: bool = True,
                 qim_share_weights: bool = True,
                 vim_filter: bool = True,
                 blink_head_type: Optional[str] = 'official') -> None:
        super().__init__()
        assert blink_head_type in ('official', 'mlp', None), \
            f'blink_head_type must be official, mlp or None, got ' \
            f'{blink_head_type!r}'
        self.qim = QueryInteraction(embed_dims, num_heads, dropout,
                                    qim_spatial, qim_temporal,
                                    qim_share_weights)
        self.dynamic_conv = DynamicConv(
            embed_dims,
            dynamic_conv_channels,
            roi_size=roi_size,
            with_filter=vim_filter)
        self.dynamic_conv_dropout = nn.Dropout(dropout)
        self.dynamic_conv_norm = nn.LayerNorm(embed_dims)
        self.ffn = FFN(
            embed_dims,
            feedforward_channels,
            num_fcs=2,
            act_cfg=dict(type='ReLU', inplace=True),
            ffn_drop=dropout)
        self.ffn_norm = nn.LayerNorm(embed_dims)
        self.cls_fcs = _fcs(embed_dims, num_cls_fcs)
        self.fc_cls = nn.Linear(embed_dims, 1)
        self.reg_fcs = _fcs(embed_dims, num_reg_fcs)
        self.fc_reg = nn.Linear(embed_dims, 4)
        self.blink_head_type = blink_head_type
        if blink_head_type == 'mlp':
            self.blink_fcs = _fcs(embed_dims, 2)
        if blink_head_type is not None:
            self.fc_blink = nn.Linear(embed_dims, 1)

    @property
    def with_blink(self) -> bool:
        """Whether the stage has a blink head."""
        return self.blink_head_type is not None

    def init_weights(self) -> None:
        """Official initialisation (mmdet ``DIIHead.init_weights``).

        Xavier-uniform for every matrix of the face stage, the focal prior
        ``-log(99)`` on the existence bias. The official blink head keeps
        PyTorch's default initialisation (its ``init_weights`` is never
        called); the ``'mlp'`` head gets the intended Xavier + prior.
        """
        blink = {id(p) for n, p in self.named_parameters() if 'blink' in n}
        for p in self.parameters():
            if p.dim() > 1 and id(p) not in blink:
                nn.init.xavier_uniform_(p)
        prior = -math.log((1 - 0.01) / 0.01)
        nn.init.constant_(self.fc_cls.bias, prior)
        if self.blink_head_type == 'mlp':
            for p in self.blink_fcs.parameters():
                if p.dim() > 1:
                    nn.init.xavier_uniform_(p)
            nn.init.xavier_uniform_(self.fc_blink.weight)
            nn.init.constant_(self.fc_blink.bias, prior)

    def forward(self, query: Tensor,
                roi_feats: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """Update the queries and predict existence and box deltas.

        Args:
            query (Tensor): ``[B, T, Q, D]``.
            roi_feats (Tensor): ``[B * T * Q, D, S, S]`` in the same order.

        Returns:
            tuple[Tensor]: Updated queries ``[B, T, Q, D]``, existence
            logits ``[B, T, Q, 1]`` and box deltas ``[B, T, Q, 4]``.
        """
        shape = query.shape
        query = self.qim(query).reshape(-1, shape[-1])
        query = self.dynamic_conv_norm(
            query +
            self.dynamic_conv_dropout(self.dynamic_conv(query, roi_feats)))
        query = self.ffn_norm(self.ffn(query))
        cls_logits = self.fc_cls(self.cls_fcs(query))
        deltas = self.fc_reg(self.reg_fcs(query))
        return (query.view(shape), cls_logits.view(shape[:-1] + (1, )),
                deltas.view(shape[:-1] + (4, )))

    def blink(self, query: Tensor) -> Tensor:
        """Per-frame blink logits ``[..., 1]`` of queries ``[..., D]``."""
        if self.blink_head_type == 'mlp':
            return self.fc_blink(self.blink_fcs(query))
        return self.fc_blink(query.relu())


@MODELS.register_module()
class InstBlinkHead(BaseModule):
    """Instance queries, iterative QIM/VIM stages and their losses.

    ``N`` instance queries (Sec. 4.1), each a learnable feature and a
    learnable box (normalised ``cxcywh``, initialised to the whole image)
    copied to every frame, go through ``M`` :class:`InstBlinkStage`
    iterations. Each stage pools a ``roi_size`` RoI per (frame, query) box
    from the FPN level that mmdet's ``map_roi_levels`` picks
    (:func:`mmvb.ops.map_rois_to_levels`, RoIAlign with sampling ratio 2,
    aligned), updates the queries and refines every
    frame's box with the predicted deltas; boxes are detached between
    stages, query features are not.

    **Training** (Sec. 4.5): at every stage, queries are matched to the
    clip's ground-truth face tracklets by ``matcher`` (by default the
    official costs ``2 focal + 5 L1 + 2 GIoU``, each averaged over the
    frames where the face exists, on detached predictions), then

    * ``loss_cls``: focal loss on all (query, frame) pairs, positive where
      the matched face exists (unmatched queries and absent frames are
      "no face");
    * ``loss_bbox`` (L1 on boxes normalised by the image size) and
      ``loss_iou`` (``1 - GIoU``) on the positive pairs;
    * ``loss_blink``: focal loss (``lambda = 5``) on the positive pairs;

    all divided by the number of positive pairs (averaged over processes)
    and weighted by ``stage_loss_weights``.

    **Inference** (last stage only): per-frame existence probabilities are
    averaged over the clip into a query score; the ``max_per_clip`` best
    queries are returned with their boxes and per-frame blink
    probabilities.

    **Host synchronisation.** Forward, losses and prediction never make the
    host wait for the device, but for one copy per training step: the
    matching costs of all stages go to the host together (the Hungarian
    algorithm runs on the CPU, :meth:`HungarianMatcher.assign`). The RoIs
    of all levels are pooled in one gather (:func:`mmvb.ops.
    multi_level_roi_align`; no per-level selection); the FPN maps are laid
    out for it once per forward, in their own dtype (no per-stage cast
    under bf16 autocast); losses weight all (query, frame) pairs by the
    positive mask instead of selecting them; the assignment returns in
    pinned memory. ``tests/models/roi_heads/test_instblink_head.py`` counts
    the synchronisation points with :class:`mmvb.testing.HostSyncCounter`.

    Args:
        num_queries (int): ``N``. Defaults to 50.
        num_stages (int): ``M``. Defaults to 4.
        embed_dims (int): Query channels. Defaults to 256.
        num_heads (int): Attention heads. Defaults to 8.
        feedforward_channels (int): FFN hidden channels. Defaults to 2048.
        dropout (float): Dropout. Defaults to 0.
        dynamic_conv_channels (int): VIM filter channels. Defaults to 64.
        roi_size (int): RoI side. Defaults to 7.
        featmap_strides (Sequence[int]): Strides of the FPN levels.
            Defaults to ``(4, 8, 16, 32)``.
        finest_scale (float): Level mapping scale. Defaults to 56.
        sampling_ratio (int): RoIAlign samples per bin. Defaults to 2.
        num_cls_fcs (int): Existence branch layers. Defaults to 1.
        num_reg_fcs (int): Box branch layers. Defaults to 3.
        bbox_stds (Sequence[float]): Delta stds. Defaults to
            ``(0.5, 0.5, 1, 1)``.
        qim_spatial (bool): Spatial interaction (Table 5). Defaults to True.
        qim_temporal (bool): Temporal interaction (Table 5).
            Defaults to True.
        qim_share_weights (bool): Official shared spatial/temporal
            attention. Defaults to True.
        vim_filter (bool): Dynamic filters in VIM (Table 5).
            Defaults to True.
        blink_head_type (str, optional): ``'official'``, ``'mlp'`` or None
            for no blink head (Table 6). Defaults to ``'official'``.
        stage_loss_weights (Sequence[float], optional): One weight per
            stage. Defaults to 1 for all.
        loss_cls (dict): Existence loss. Defaults to focal, weight 2.
        loss_bbox (dict): L1 loss on image-normalised ``xyxy`` boxes.
            Defaults to ``dict(type='L1Loss', loss_weight=5.0)``.
        loss_iou (dict): GIoU loss on pixel boxes. Defaults to
            ``dict(type='GIoULoss', eps=1e-6, loss_weight=2.0)``.
        loss_blink (dict): Blink loss. Defaults to focal, weight 5.
        matcher (dict): :class:`~mmvb.models.HungarianMatcher` config.
        max_per_clip (int): Queries returned per clip. Defaults to 10.
        init_cfg (dict, optional): Initialisation config.
            Defaults to None.
    """

    def __init__(self,
                 num_queries: int = 50,
                 num_stages: int = 4,
                 embed_dims: int = 256,
                 num_heads: int = 8,
                 feedforward_channels: int = 2048,
                 dropout: float = 0.0,
                 dynamic_conv_channels: int = 64,
                 roi_size: int = 7,
                 featmap_strides: Sequence[int] = (4, 8, 16, 32),
                 finest_scale: float = 56.0,
                 sampling_ratio: int = 2,
                 num_cls_fcs: int = 1,
                 num_reg_fcs: int = 3,
                 bbox_stds: Sequence[float] = (0.5, 0.5, 1.0, 1.0),
                 qim_spatial: bool = True,
                 qim_temporal: bool = True,
                 qim_share_weights: bool = True,
                 vim_filter: bool = True,
                 blink_head_type: Optional[str] = 'official',
                 stage_loss_weights: Optional[Sequence[float]] = None,
                 loss_cls: ConfigType = dict(
                     type='BinaryFocalLoss',
                     alpha=0.25,
                     gamma=2.0,
                     loss_weight=2.0),
                 loss_bbox: ConfigType = dict(type='L1Loss', loss_weight=5.0),
                 loss_iou: ConfigType = dict(
                     type='GIoULoss', eps=1e-6, loss_weight=2.0),
                 loss_blink: ConfigType = dict(
                     type='BinaryFocalLoss',
                     alpha=0.25,
                     gamma=2.0,
                     loss_weight=5.0),
                 matcher: ConfigType = dict(
                     type='HungarianMatcher',
                     costs=[
                         dict(type='FocalMatchCost', weight=2.0),
                         dict(type='BoxL1MatchCost', weight=5.0),
                         dict(type='GIoUMatchCost', weight=2.0)
                     ]),
                 max_per_clip: int = 10,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_queries = num_queries
        self.num_stages = num_stages
        self.embed_dims = embed_dims
        self.roi_size = roi_size
        self.featmap_strides = tuple(featmap_strides)
        self.finest_scale = finest_scale
        self.sampling_ratio = sampling_ratio
        self.bbox_stds = tuple(bbox_stds)
        self.stage_loss_weights = tuple(stage_loss_weights
                                        or [1.0] * num_stages)
        assert len(self.stage_loss_weights) == num_stages, \
            'stage_loss_weights needs one weight per stage'
        self.max_per_clip = max_per_clip
        self.init_proposal_bboxes = nn.Embedding(num_queries, 4)
        self.init_proposal_features = nn.Embedding(num_queries, embed_dims)
        self.stages = nn.ModuleList([
            InstBlinkStage(embed_dims, num_heads, feedforward_channels,
                           dropout, dynamic_conv_channels, roi_size,
                           num_cls_fcs, num_reg_fcs, qim_spatial, qim_temporal,
                           qim_share_weights, vim_filter, blink_head_type)
            for _ in range(num_stages)
        ])
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_blink = MODELS.build(loss_blink)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_iou = MODELS.build(loss_iou)
        self.matcher: HungarianMatcher = TASK_UTILS.build(matcher)

    @property
    def with_blink(self) -> bool:
        """Whether the stages predict blinks."""
        return self.stages[0].with_blink

    def init_weights(self) -> None:
        """Initial boxes cover the image (``EmbeddingRPNHead``); stages use
        :meth:`InstBlinkStage.init_weights`."""
        super().init_weights()
        with torch.no_grad():
            self.init_proposal_bboxes.weight[:, :2] = 0.5
            self.init_proposal_bboxes.weight[:, 2:] = 1.0
        for stage in self.stages:
            stage.init_weights()

    # ------------------------------------------------------------------
    def extract_roi_feats(self,
                          feats: Sequence[Tensor],
                          boxes: Tensor,
                          table=None) -> Tensor:
        """Multi-level RoIAlign of every (frame, query) box.

        Each box is pooled from its own level (mmdet's ``SingleRoIExtractor``
        semantics) by one :func:`mmvb.ops.multi_level_roi_align` gather
        over all levels: no per-level selection of boxes, no host
        synchronisation. Boxes stay float32 (bf16 would move them by
        pixels); the features keep their dtype.

        Args:
            feats (Sequence[Tensor]): FPN maps ``[B * T, C, H_l, W_l]``.
            boxes (Tensor): ``[B, T, Q, 4]`` pixel ``xyxy``.
            table (tuple, optional): :func:`mmvb.ops.multi_level_roi_table`
                of ``feats``, to reuse it across stages. Built here when
                None.

        Returns:
            Tensor: ``[B * T * Q, C, S, S]``.
        """
        b, t, q = boxes.shape[:3]
        if table is None:
            table = multi_level_roi_table(feats)
        flat = boxes.reshape(-1, 4).float()
        frame = torch.arange(
            b * t, device=boxes.device, dtype=flat.dtype).repeat_interleave(q)
        rois = torch.cat([frame[:, None], flat], dim=1)
        levels = map_rois_to_levels(rois, len(feats), self.finest_scale)
        return multi_level_roi_align(table[0], table[1], rois, levels,
                                     self.featmap_strides, self.roi_size,
                                     self.sampling_ratio, True)

    def forward(self, feats: Sequence[Tensor], batch_size: int,
                img_whwh: Tensor) -> List[Dict[str, Tensor]]:
        """Run all stages.

        Args:
            feats (Sequence[Tensor]): FPN maps ``[B * T, C, H_l, W_l]``,
                clip-major.
            batch_size (int): ``B``.
            img_whwh (Tensor): ``[B, 4]`` image ``(w, h, w, h)`` (unpadded)
                that the initial boxes cover.

        Returns:
            list[dict]: Per stage ``query [B, T, Q, D]``,
            ``cls_logits [B, T, Q, 1]`` and ``boxes [B, T, Q, 4]`` (pixel
            ``xyxy``, with gradient).
        """
        assert len(feats) == len(self.featmap_strides), \
            f'{len(feats)} feature levels for strides {self.featmap_strides}'
        b = batch_size
        t = feats[0].size(0) // b
        q, d = self.num_queries, self.embed_dims
        init = box_cxcywh_to_xyxy(self.init_proposal_bboxes.weight)
        boxes = (init[None] * img_whwh[:, None, :].float())[:, None].expand(
            b, t, q, 4)
        query = self.init_proposal_features.weight[None,
                                                   None].expand(b, t, q, d)
        # Every level laid out once for all stages (the maps do not change).
        table = multi_level_roi_table(feats)
        outs = []
        for stage in self.stages:
            roi_feats = self.extract_roi_feats(feats, boxes, table)
            query, cls_logits, deltas = stage(query, roi_feats)
            new_boxes = delta_xywh_decode(boxes, deltas, stds=self.bbox_stds)
            outs.append(
                dict(query=query, cls_logits=cls_logits, boxes=new_boxes))
            boxes = new_boxes.detach()
        return outs

    # ------------------------------------------------------------------
    @staticmethod
    def get_targets(data_samples: SampleList,
                    device: torch.device) -> Tuple[Dict[str, Tensor], Tensor]:
        """Pad the clips' face tracklets into batch tensors.

        Args:
            data_samples (list[ActionDataSample]): ``gt_instances`` with
                ``bboxes [G, T, 4]`` (pixel ``xyxy``), ``valid [G, T]``,
                ``blinks [G, T]`` and ``labels [G]`` (on ``device`` already
                when the data preprocessor moved them: then ``.to`` is a
                no-op).
            device (torch.device): Target device.

        Returns:
            tuple: Padded ``boxes [B, G, T, 4]``, ``valid``, ``blinks``
            (``[B, G, T]``) and ``labels [B, G]``, and the ``[B, G]`` mask
            of real tracklets.
        """
        targets = []
        for sample in data_samples:
            gt = sample.gt_instances
            targets.append(
                dict(
                    boxes=gt.bboxes.to(device).float(),
                    valid=gt.valid.to(device).bool(),
                    blinks=gt.blinks.to(device).float(),
                    labels=gt.labels.to(device).long()))
        return pad_targets(targets)

    def loss(self, feats: Sequence[Tensor], data_samples: SampleList,
             img_whwh: Tensor) -> Dict[str, Tensor]:
        """Losses of all stages (see the class docstring).

        The matching costs of all stages are computed on the device and
        solved together (:meth:`HungarianMatcher.assign`, one copy to the
        host); each loss then weights all (query, frame) pairs by the
        positive mask, which gives the sums over the positive pairs without
        selecting them.

        Args:
            feats (Sequence[Tensor]): FPN maps ``[B * T, C, H_l, W_l]``.
            data_samples (list[ActionDataSample]): Ground truth.
            img_whwh (Tensor): ``[B, 4]`` image sizes.

        Returns:
            dict[str, Tensor]: ``s{i}.loss_cls``, ``s{i}.loss_bbox``,
            ``s{i}.loss_iou`` and ``s{i}.loss_blink`` per stage ``i``.
        """
        b = len(data_samples)
        outs = self(feats, b, img_whwh)
        targets, mask = self.get_targets(data_samples, img_whwh.device)
        sizes = [len(sample.gt_instances) for sample in data_samples]
        t = outs[0]['boxes'].size(1)
        assert targets['boxes'].size(2) == t, \
            f'targets have {targets["boxes"].size(2)} frames, inputs {t}'
        whwh = img_whwh[:, None, None, :]  # [B, 1, 1, 4]
        norm_targets = dict(
            boxes=targets['boxes'] / whwh,
            labels=targets['labels'],
            valid=targets['valid'])
        # [B, Q, T, ...] layout for matching and targets
        cls_logits = [
            out['cls_logits'].transpose(1, 2)[..., 0] for out in outs
        ]
        boxes = [out['boxes'].transpose(1, 2) for out in outs]
        if max(sizes, default=0) > 0:
            costs = torch.stack([
                self.matcher.compute_cost(
                    dict(
                        cls_logits=logits.detach()[..., None],
                        boxes=box.detach() / whwh), norm_targets, mask)
                for logits, box in zip(cls_logits, boxes)
            ])
        else:
            costs = whwh.new_zeros((len(outs), b, self.num_queries, 0))
        assign = self.matcher.assign(costs, sizes)  # [M, B, Q]
        losses = {}
        for i, stage in enumerate(self.stages):
            pos, tgt_boxes, tgt_blinks = self._per_frame_targets(
                assign[i], targets)
            num_pos = reduce_mean(pos.sum().float()).clamp(min=1.0)
            weight = self.stage_loss_weights[i]
            losses[f's{i}.loss_cls'] = weight * self.loss_cls(
                cls_logits[i], pos, avg_factor=num_pos)
            # Non-positive pairs get weight 0 and a finite stand-in target.
            pos_weight = pos.to(boxes[i].dtype)
            tgt_boxes = torch.where(pos[..., None], tgt_boxes,
                                    boxes[i].detach())
            loss_bbox, loss_iou = matched_box_losses(
                boxes[i],
                tgt_boxes,
                self.loss_bbox,
                self.loss_iou,
                avg_factor=num_pos,
                l1_scale=whwh,
                weight=pos_weight)
            losses[f's{i}.loss_bbox'] = weight * loss_bbox
            losses[f's{i}.loss_iou'] = weight * loss_iou
            if self.with_blink:
                blink_logits = stage.blink(outs[i]['query']).transpose(1, 2)
                losses[f's{i}.loss_blink'] = weight * self.loss_blink(
                    blink_logits[..., 0],
                    tgt_blinks,
                    weight=pos_weight,
                    avg_factor=num_pos)
        return losses

    @staticmethod
    def _per_frame_targets(
            assign: Tensor,
            targets: Dict[str, Tensor]) -> Tuple[Tensor, Tensor, Tensor]:
        """Per (query, frame) targets from the clip-level assignment.

        Args:
            assign (Tensor): ``[B, Q]`` matched tracklet or -1.
            targets (dict[str, Tensor]): Padded targets.

        Returns:
            tuple[Tensor]: ``pos [B, Q, T]`` (matched and the face exists),
            target boxes ``[B, Q, T, 4]`` and blinks ``[B, Q, T]`` (valid
            where ``pos``).
        """
        b, q = assign.shape
        t = targets['valid'].size(-1)
        if targets['valid'].size(1) == 0:
            zeros = targets['blinks'].new_zeros((b, q, t))
            return zeros.bool(), zeros[..., None].expand(b, q, t, 4), zeros
        index = assign.clamp(min=0)[:, :, None].expand(b, q, t)
        pos = targets['valid'].gather(1, index) & (assign >= 0)[:, :, None]
        boxes = targets['boxes'].gather(1, index[..., None].expand(b, q, t, 4))
        blinks = targets['blinks'].gather(1, index)
        return pos, boxes, blinks

    def predict(self, feats: Sequence[Tensor], data_samples: SampleList,
                img_whwh: Tensor) -> List[InstanceData]:
        """Top queries of each clip (last stage).

        Args:
            feats (Sequence[Tensor]): FPN maps.
            data_samples (list[ActionDataSample]): Meta information
                (``scale_factor`` ``(sx, sy)`` of the resize, if any).
            img_whwh (Tensor): ``[B, 4]`` image sizes.

        Returns:
            list[InstanceData]: Per clip, ``K = min(max_per_clip, N)``
            queries sorted by score: ``scores [K]`` (mean face probability
            over the clip), ``bboxes [K, T, 4]`` (``xyxy`` in the original
            frame size), ``face_scores [K, T]`` and ``blink_scores [K, T]``
            (per-frame probabilities; 0 without a blink head).
        """
        out = self.tensor_forward(feats, len(data_samples), img_whwh)
        face = out['cls_logits'][..., 0].sigmoid().transpose(1, 2)
        blink = out['blink_logits'][..., 0].sigmoid().transpose(1, 2)
        boxes = out['boxes'].transpose(1, 2)  # [B, Q, T, 4]
        scores = face.mean(-1)
        k = min(self.max_per_clip, self.num_queries)
        top_scores, top_idx = scores.topk(k, dim=1)
        results = []
        for i, sample in enumerate(data_samples):
            idx = top_idx[i]
            sx, sy = sample.metainfo.get('scale_factor', (1.0, 1.0))
            # Python scalars: no tensor made from host data
            bboxes = boxes[i, idx].clone()
            bboxes[..., 0::2] /= sx
            bboxes[..., 1::2] /= sy
            results.append(
                InstanceData(
                    scores=top_scores[i],
                    bboxes=bboxes,
                    face_scores=face[i, idx],
                    blink_scores=blink[i, idx]))
        return results

    def tensor_forward(self, feats: Sequence[Tensor], batch_size: int,
                       img_whwh: Tensor) -> Dict[str, Tensor]:
        """Last-stage outputs (the network forward without post-processing).

        Returns:
            dict[str, Tensor]: ``cls_logits [B, T, Q, 1]``,
            ``boxes [B, T, Q, 4]`` and ``blink_logits [B, T, Q, 1]``
            (zeros-logit ``-inf`` -> probability 0 without a blink head).
        """
        last = self(feats, batch_size, img_whwh)[-1]
        if self.with_blink:
            blink = self.stages[-1].blink(last['query'])
        else:
            blink = last['cls_logits'].new_full(last['cls_logits'].shape,
                                                -float('inf'))
        return dict(
            cls_logits=last['cls_logits'],
            boxes=last['boxes'],
            blink_logits=blink)
