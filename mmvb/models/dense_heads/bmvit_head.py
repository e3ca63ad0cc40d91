# Copyright (c) mmvb contributors. All rights reserved.
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import MODELS, TASK_UTILS
from mmaction.utils import ConfigType, OptMultiConfig, SampleList
from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor, nn

from mmvb.ops import box_cxcywh_to_xyxy, box_xyxy_to_cxcywh
from mmvb.utils import reduce_mean
from ..layers import MLP
from ..losses import matched_box_losses

TensorDict = Dict[str, Tensor]


def owlvit_box_bias(height: int,
                    width: int,
                    mode: str = 'corner',
                    device: Optional[torch.device] = None) -> Tensor:
    """OWL-ViT's box bias for an ``height x width`` token grid.

    Token ``(i, j)`` (row-major) is biased towards a box of one cell
    (``1 / width`` by ``1 / height``) placed on its grid cell, written in
    logit space so that ``sigmoid(mlp(token) + bias)`` starts there. With
    ``mode='corner'`` the position is the cell's far corner
    ``((j + 1) / width, (i + 1) / height)``, exactly as OWL-ViT computes it
    (scenic ``compute_box_bias``; Minderer et al., ECCV 2022);
    ``'center'`` uses the cell centre ``((j + 0.5) / width,
    (i + 0.5) / height)``.

    Args:
        height (int): Token rows ``h``.
        width (int): Token columns ``w``.
        mode (str): ``'corner'`` or ``'center'``. Defaults to ``'corner'``.
        device (torch.device, optional): Device of the result.

    Returns:
        Tensor: ``[h * w, 4]`` logits of ``(cx, cy, w, h)``.
    """
    assert mode in ('corner', 'center'), f'unknown box bias mode {mode}'
    offset = 1.0 if mode == 'corner' else 0.5
    ys = (torch.arange(height, device=device) + offset) / height
    xs = (torch.arange(width, device=device) + offset) / width
    cy, cx = torch.meshgrid(ys, xs, indexing='ij')
    size_w = torch.full_like(cx, 1.0 / width)
    size_h = torch.full_like(cy, 1.0 / height)
    boxes = torch.stack((cx, cy, size_w, size_h), -1).reshape(-1, 4)
    boxes = boxes.clamp(0.0, 1.0)
    # OWL-ViT's logit: log(x + 1e-4) - log1p(-x + 1e-4)
    return torch.log(boxes + 1e-4) - torch.log1p(-boxes + 1e-4)


@MODELS.register_module()
class BMViTHead(BaseModule):
    """Token heads, bipartite matching loss and inference of BMViT.

    `Multiscale Vision Transformers meet Bipartite Matching for efficient
    single-stage Action Localization <https://arxiv.org/abs/2312.17686>`_
    (Table 1, Fig. 2, Sec. 3.4). The backbone's output tokens
    ``[B, C, t, h, w]`` are projected to ``embed_dims`` (Table 1's
    ``1 x 1 x 1, 512`` projection), reduced to ``L`` token pairs by a
    token-selection rule, and every pair gives one prediction
    ``<box, p(actor), p(actions)>`` with three MLPs that run on all tokens
    at once:

    * box MLP -> ``sigmoid(mlp(tok) + bias)``, a normalised
      ``(cx, cy, w, h)`` box, with OWL-ViT's grid bias
      (:func:`owlvit_box_bias`) added to all tokens of the same 2-D cell;
    * actor MLP -> 2 logits (index 1 = actor, softmax);
    * class MLP -> ``num_classes - 1`` multi-label logits (sigmoid).

    **Token selection** (Sec. 3.4 and 5.2), with ``t`` output frames and
    ``c = t // 2`` the central one (0-based):

    * ``'2(C+T)'`` (default): box/actor tokens are the two central frames
      ``c - 1`` and ``c``; their class tokens are the mean of the past half
      ``[0, c)`` and of the future half ``[c, t)`` (Eq. 1-2), so
      ``L = 2hw``.
    * ``'C+T'``: box/actor tokens of frame ``c``, class tokens the mean over
      all ``t`` frames; ``L = hw``.
    * ``'singleton'``: every token for all three heads; ``L = thw``.
    * ``'tubelet'``: the temporal mean for all three heads; ``L = hw``.
    * ``'max_pool'``: box/actor tokens of frame ``c``; the class MLP runs on
      all ``thw`` tokens and its logits are max-pooled over time;
      ``L = hw``.

    **Loss** (Eq. 3-4). The predictions are matched one-to-one to the
    ground-truth actors of the key frame with ``matcher`` (by default
    :class:`~mmvb.models.HungarianMatcher` with the box L1, GIoU, actor and
    multi-label costs weighted like the loss; see the config). Then::

        loss_bbox  = w_L1  * sum_matched |b - b'|_1          / N
        loss_giou  = w_iou * sum_matched (1 - GIoU(b, b'))    / N
        loss_cls   = w_a   * sum_matched BCE(cls, a)          / N
        loss_actor = w_alpha * CE(actor logits, matched ? 1 : 0)

    Each term is a loss module built from its config (``loss_bbox``:
    :class:`~mmvb.models.L1Loss`, ``loss_giou``:
    :class:`~mmvb.models.GIoULoss`, ``loss_cls``: MMAction2's
    ``BCELossWithLogits``, ``loss_actor``: MMAction2's ``CrossEntropyLoss``)
    whose ``loss_weight`` is the ``w`` above.

    with ``N`` the number of ground-truth boxes of the batch averaged over
    all ranks (DETR's normalisation, at least 1), ``BCE`` summed (or
    averaged, ``cls_reduction``) over the classes, and the actor
    cross-entropy a weighted mean over all ``B * L`` predictions in which
    unmatched ones weigh ``class_weight[0]`` of ``loss_actor`` (DETR's
    ``eos_coef``; the paper gives no value). Eq. 3-4 print the actor and
    class terms with a minus sign and only the positive classes in
    ``L_class``; they are read as negative log-likelihoods (see
    :class:`~mmvb.models.ActorMatchCost` and
    :class:`~mmvb.models.MultiLabelMatchCost`), and the class loss as the
    full binary cross-entropy. Ground-truth boxes narrower or shorter
    than ``min_box_size`` pixels (e.g. emptied by a crop) are dropped before
    matching.

    **Inference**: predictions with ``p(actor) > actor_thr`` are kept; their
    boxes are returned as normalised ``(x1, y1, x2, y2)`` of the original
    frame (input padding, flips and ``crop_quadruple`` undone) and their
    scores as ``[n, num_classes]`` with column 0 (background) zero, the
    format of MMAction2's ``AVAMetric``.

    Boxes are normalised by the network input size (the padded batch size
    when inputs of different sizes are padded together), so the grid bias
    always refers to the token grid.

    Args:
        num_classes (int): Number of classes **including** the unused
            background column 0, as MMAction2's AVA datasets count them
            (81 for AVA, 25 for UCF101-24, 22 for JHMDB51-21). The class MLP
            has ``num_classes - 1`` outputs.
        in_channels (int): Backbone channels. Defaults to 768.
        embed_dims (int): Projection and MLP width. Defaults to 512.
        token_selection (str): See above. Defaults to ``'2(C+T)'``.
        box_num_layers (int): Layers of the box MLP (OWL-ViT uses 3).
            Defaults to 3.
        actor_num_layers (int): Layers of the actor MLP. Defaults to 2.
        cls_num_layers (int): Layers of the class MLP. Defaults to 2.
        box_bias (str, optional): ``'corner'`` (OWL-ViT), ``'center'`` or
            None (no bias). Defaults to ``'corner'``.
        matcher (dict): :class:`~mmvb.models.HungarianMatcher` config; its
            costs read the prediction keys ``boxes`` (cxcywh),
            ``actor_logits``, ``cls_logits`` and the target keys ``boxes``
            (cxcywh) and ``labels`` (multi-hot).
        loss_bbox (dict): L1 box loss on normalised ``cxcywh``; its
            ``loss_weight`` is ``lambda_L1``. Defaults to
            ``dict(type='L1Loss', loss_weight=5.0)``.
        loss_giou (dict): GIoU loss; ``lambda_iou``. Defaults to
            ``dict(type='GIoULoss', loss_weight=2.0)``.
        loss_actor (dict): Actor cross-entropy; ``lambda_alpha``, and the
            relative weight of unmatched predictions as ``class_weight[0]``.
            Defaults to ``dict(type='CrossEntropyLoss', loss_weight=2.0,
            class_weight=[0.1, 1.0])``.
        loss_cls (dict): Multi-label binary cross-entropy, called with
            ``reduction='none'``; ``lambda_a``. Defaults to
            ``dict(type='BCELossWithLogits', loss_weight=6.0)``.
        cls_reduction (str): ``'sum'`` or ``'mean'`` of the per-class binary
            cross-entropies of a matched prediction. Defaults to ``'sum'``.
        cls_prior_prob (float, optional): Initial sigmoid probability of
            every class (the class MLP's last bias is set to its logit, as
            in RetinaNet); None keeps the default init. Defaults to 0.01.
        min_box_size (float): Ground-truth boxes with a side at most this
            many pixels are dropped. Defaults to 1.
        actor_thr (float): ``theta``. Defaults to 0.2.
        score_mode (str): ``'cls'`` (class probabilities) or
            ``'cls_x_actor'`` (times ``p(actor)``). Defaults to ``'cls'``.
        init_cfg (dict or list[dict], optional): Initialization config.
    """

    token_selections = ('2(C+T)', 'C+T', 'singleton', 'tubelet', 'max_pool')

    def __init__(self,
                 num_classes: int,
                 in_channels: int = 768,
                 embed_dims: int = 512,
                 token_selection: str = '2(C+T)',
                 box_num_layers: int = 3,
                 actor_num_layers: int = 2,
                 cls_num_layers: int = 2,
                 box_bias: Optional[str] = 'corner',
                 matcher: ConfigType = dict(
                     type='HungarianMatcher',
                     costs=[
                         dict(type='BoxL1MatchCost', weight=5.0),
                         dict(
                             type='GIoUMatchCost',
                             weight=2.0,
                             box_format='cxcywh'),
                         dict(type='ActorMatchCost', weight=2.0),
                         dict(
                             type='MultiLabelMatchCost',
                             weight=6.0,
                             mode='nll_sum')
                     ]),
                 loss_bbox: ConfigType = dict(type='L1Loss', loss_weight=5.0),
                 loss_giou: ConfigType = dict(
                     type='GIoULoss', loss_weight=2.0),
                 loss_actor: ConfigType = dict(
                     type='CrossEntropyLoss',
                     loss_weight=2.0,
                     class_weight=[0.1, 1.0]),
                 loss_cls: ConfigType = dict(
                     type='BCELossWithLogits', loss_weight=6.0),
                 cls_reduction: str = 'sum',
                 cls_prior_prob: Optional[float] = 0.01,
                 min_box_size: float = 1.0,
                 actor_thr: float = 0.2,
                 score_mode: str = 'cls',
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        assert num_classes >= 2, 'num_classes counts the background column'
        assert token_selection in self.token_selections, \
            f'token_selection must be one of {self.token_selections}'
        assert box_bias in ('corner', 'center', None), \
            f'box_bias must be corner, center or None, got {box_bias}'
        assert cls_reduction in ('sum', 'mean')
        assert score_mode in ('cls', 'cls_x_actor')
        self.num_classes = num_classes
        self.token_selection = token_selection
        self.box_bias = box_bias
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_giou = MODELS.build(loss_giou)
        self.loss_actor = MODELS.build(loss_actor)
        self.loss_cls = MODELS.build(loss_cls)
        self.cls_reduction = cls_reduction
        self.cls_prior_prob = cls_prior_prob
        self.min_box_size = min_box_size
        self.actor_thr = actor_thr
        self.score_mode = score_mode

        self.proj = nn.Linear(in_channels, embed_dims)
        self.box_mlp = MLP(embed_dims, embed_dims, 4, box_num_layers)
        self.actor_mlp = MLP(embed_dims, embed_dims, 2, actor_num_layers)
        self.cls_mlp = MLP(embed_dims, embed_dims, num_classes - 1,
                           cls_num_layers)
        self.matcher = TASK_UTILS.build(matcher)

    def init_weights(self) -> None:
        """Default init, then the class prior of ``cls_prior_prob``."""
        super().init_weights()
        if self.cls_prior_prob is not None:
            p = self.cls_prior_prob
            nn.init.constant_(self.cls_mlp[-1].bias, math.log(p / (1 - p)))

    # ------------------------------------------------------------------
    # forward
    # ------------------------------------------------------------------
    def select_tokens(self, x: Tensor) -> Tuple[Tensor, Tensor, int]:
        """Apply the token-selection rule.

        Args:
            x (Tensor): Projected tokens ``[B, t, h, w, D]``.

        Returns:
            tuple: Box/actor tokens ``[B, n, h, w, D]``, class tokens
            ``[B, n, h, w, D]`` (``[B, t, h, w, D]`` for ``'max_pool'``,
            reduced after the class MLP) and ``n``, the number of 2-D token
            slices (``L = n * h * w``).
        """
        t = x.size(1)
        c = t // 2
        rule = self.token_selection
        if rule == '2(C+T)':
            assert t >= 2, "'2(C+T)' needs at least 2 output frames"
            box = x[:, c - 1:c + 1]
            cls = torch.stack((x[:, :c].mean(1), x[:, c:].mean(1)), 1)
        elif rule == 'C+T':
            box = x[:, c:c + 1]
            cls = x.mean(1, keepdim=True)
        elif rule == 'singleton':
            box = cls = x
        elif rule == 'tubelet':
            box = cls = x.mean(1, keepdim=True)
        else:  # max_pool
            box, cls = x[:, c:c + 1], x
        return box, cls, box.size(1)

    def box_token_frames(self, t: int) -> List[List[int]]:
        """The backbone output frames each box/actor slice is made of.

        Args:
            t (int): Output frames of the backbone.

        Returns:
            list[list[int]]: For each of the ``n`` slices of
            :meth:`select_tokens`, the frames whose tokens it averages (one
            frame, or all ``t`` for ``'tubelet'``).
        """
        c = t // 2
        rule = self.token_selection
        if rule == '2(C+T)':
            return [[c - 1], [c]]
        if rule in ('C+T', 'max_pool'):
            return [[c]]
        if rule == 'singleton':
            return [[i] for i in range(t)]
        return [list(range(t))]  # tubelet

    def forward(self, feats: Tensor) -> TensorDict:
        """Predictions of every token pair.

        Args:
            feats (Tensor): Backbone tokens ``[B, C, t, h, w]``.

        Returns:
            dict[str, Tensor]: ``boxes`` ``[B, L, 4]`` (normalised cxcywh),
            ``actor_logits`` ``[B, L, 2]`` and ``cls_logits``
            ``[B, L, num_classes - 1]``.
        """
        b, _, _, h, w = feats.shape
        x = self.proj(feats.permute(0, 2, 3, 4, 1))  # [B, t, h, w, D]
        box_tok, cls_tok, n = self.select_tokens(x)
        box_tok = box_tok.reshape(b, n * h * w, -1)
        boxes = self.box_mlp(box_tok)
        if self.box_bias is not None:
            bias = owlvit_box_bias(h, w, self.box_bias, device=feats.device)
            boxes = boxes + bias.to(boxes.dtype).repeat(n, 1)
        cls_logits = self.cls_mlp(cls_tok)
        if self.token_selection == 'max_pool':
            cls_logits = cls_logits.amax(1)
        return dict(
            boxes=boxes.sigmoid(),
            actor_logits=self.actor_mlp(box_tok),
            cls_logits=cls_logits.reshape(b, n * h * w, -1))

    # ------------------------------------------------------------------
    # loss
    # ------------------------------------------------------------------
    def get_targets(self, data_samples: SampleList,
                    input_size: Sequence[int]) -> List[TensorDict]:
        """Normalised cxcywh boxes and multi-hot labels of each sample.

        Boxes are clipped to the sample's image (``img_shape``), boxes with
        a side at most ``min_box_size`` pixels are dropped, and the rest are
        divided by the input size ``(H, W)``. Label column 0 (background) is
        dropped.
        """
        in_h, in_w = input_size
        targets = []
        for sample in data_samples:
            gt = sample.gt_instances
            boxes = torch.as_tensor(gt.bboxes, dtype=torch.float32)
            labels = torch.as_tensor(gt.labels, dtype=torch.float32)
            assert labels.dim() == 2 and labels.size(1) == \
                self.num_classes, \
                'gt labels must be multi-hot [n, num_classes] ' \
                f'(num_classes={self.num_classes}), got {labels.shape}'
            img_h, img_w = sample.metainfo.get('img_shape', (in_h, in_w))
            boxes = torch.stack(
                (boxes[:, 0].clamp(0, img_w), boxes[:, 1].clamp(0, img_h),
                 boxes[:, 2].clamp(0, img_w), boxes[:, 3].clamp(0, img_h)), -1)
            keep = ((boxes[:, 2] - boxes[:, 0] > self.min_box_size) &
                    (boxes[:, 3] - boxes[:, 1] > self.min_box_size))
            scale = boxes.new_tensor([in_w, in_h, in_w, in_h])
            targets.append(
                dict(
                    boxes=box_xyxy_to_cxcywh(boxes[keep] / scale),
                    labels=labels[keep, 1:]))
        return targets

    def loss(self, feats: Tensor, data_samples: SampleList,
             input_size: Sequence[int]) -> TensorDict:
        """Hungarian loss of a batch.

        Args:
            feats (Tensor): Backbone tokens ``[B, C, t, h, w]``.
            data_samples (list[ActionDataSample]): With ``gt_instances``
                (``bboxes`` in input pixels ``[n, 4]``, ``labels`` multi-hot
                ``[n, num_classes]``).
            input_size (Sequence[int]): Network input ``(H, W)``.

        Returns:
            dict[str, Tensor]: ``loss_actor``, ``loss_cls``, ``loss_bbox``,
            ``loss_giou`` (weighted) and ``num_gt`` (not a loss).
        """
        preds = self(feats)
        targets = [{k: v.to(feats.device)
                    for k, v in t.items()}
                   for t in self.get_targets(data_samples, input_size)]
        indices = self.matcher(preds, targets)
        return self.loss_by_matching(preds, targets, indices)

    def loss_by_matching(self, preds: TensorDict, targets: List[TensorDict],
                         indices: List[Tuple[Tensor, Tensor]]) -> TensorDict:
        """The loss terms of Eq. 4 given the matching."""
        device = preds['boxes'].device
        batch_idx = torch.cat(
            [torch.full_like(q, b) for b, (q, _) in enumerate(indices)])
        query_idx = torch.cat([q for q, _ in indices])
        tgt_boxes = torch.cat(
            [t['boxes'][g] for t, (_, g) in zip(targets, indices)])
        tgt_labels = torch.cat(
            [t['labels'][g] for t, (_, g) in zip(targets, indices)])

        num_gt = reduce_mean(
            torch.tensor(
                float(sum(len(t['boxes']) for t in targets)), device=device))
        norm = num_gt.clamp(min=1.0)

        loss_bbox, loss_giou = matched_box_losses(
            preds['boxes'][batch_idx, query_idx],
            tgt_boxes,
            self.loss_bbox,
            self.loss_giou,
            avg_factor=norm,
            box_format='cxcywh')

        bce = self.loss_cls(
            preds['cls_logits'][batch_idx, query_idx],
            tgt_labels,
            reduction='none')
        bce = bce.sum(-1) if self.cls_reduction == 'sum' else bce.mean(-1)
        loss_cls = bce.sum() / norm

        actor_logits = preds['actor_logits']
        actor_target = torch.zeros(
            actor_logits.shape[:2], dtype=torch.long, device=device)
        actor_target[batch_idx, query_idx] = 1
        loss_actor = self.loss_actor(
            actor_logits.flatten(0, 1), actor_target.flatten())
        return dict(
            loss_actor=loss_actor,
            loss_cls=loss_cls,
            loss_bbox=loss_bbox,
            loss_giou=loss_giou,
            num_gt=num_gt.detach())

    # ------------------------------------------------------------------
    # inference
    # ------------------------------------------------------------------
    def predict(self, feats: Tensor, data_samples: SampleList,
                input_size: Sequence[int]) -> List[InstanceData]:
        """Detections of each sample (see the class docstring).

        Args:
            feats (Tensor): Backbone tokens ``[B, C, t, h, w]``.
            data_samples (list[ActionDataSample]): Their ``metainfo`` may
                hold ``img_shape`` (the sample's size inside the input;
                defaults to the input size), ``flip`` and
                ``crop_quadruple``.
            input_size (Sequence[int]): Network input ``(H, W)``.

        Returns:
            list[InstanceData]: ``bboxes`` ``[n, 4]`` (normalised xyxy),
            ``scores`` ``[n, num_classes]`` and ``actor_scores`` ``[n]``.
        """
        preds = self(feats)
        return self.predict_by_feat(preds, data_samples, input_size)

    def predict_by_feat(self, preds: TensorDict, data_samples: SampleList,
                        input_size: Sequence[int]) -> List[InstanceData]:
        """Turn head outputs into detections (see :meth:`predict`)."""
        preds = {k: v.detach().float() for k, v in preds.items()}
        in_h, in_w = input_size
        actor_scores = preds['actor_logits'].softmax(-1)[..., 1]
        cls_scores = preds['cls_logits'].sigmoid()
        boxes_all = box_cxcywh_to_xyxy(preds['boxes'])
        results = []
        for b, sample in enumerate(data_samples):
            meta = sample.metainfo
            keep = actor_scores[b] > self.actor_thr
            actor = actor_scores[b, keep]
            scores = cls_scores[b, keep]
            if self.score_mode == 'cls_x_actor':
                scores = scores * actor[:, None]
            scores = torch.cat((scores.new_zeros(len(scores), 1), scores), 1)
            img_h, img_w = meta.get('img_shape', (in_h, in_w))
            scale = boxes_all.new_tensor(
                [in_w / img_w, in_h / img_h, in_w / img_w, in_h / img_h])
            boxes = (boxes_all[b, keep] * scale).clamp(0.0, 1.0)
            if meta.get('flip', False):
                boxes = torch.stack((1 - boxes[:, 2], boxes[:, 1],
                                     1 - boxes[:, 0], boxes[:, 3]), -1)
            crop = meta.get('crop_quadruple')
            if crop is not None:
                x0, y0, cw, ch = [float(v) for v in crop]
                boxes = boxes * boxes.new_tensor([cw, ch, cw, ch]) + \
                    boxes.new_tensor([x0, y0, x0, y0])
            results.append(
                InstanceData(bboxes=boxes, scores=scores, actor_scores=actor))
        return results
