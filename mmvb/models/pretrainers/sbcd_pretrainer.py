# Copyright (c) mmvb contributors. All rights reserved.
"""SBCD pre-training of DualScope's Behaviour-Centric Visual Encoder."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from mmvb.ops import crop_regions


@MODELS.register_module()
class SBCDPretrainer(BaseModel):
    """Synergistic Behaviour-Centric Distillation (DualScope, Qiu, Li et
    al., Spatial Scope) on images with head / left-hand / right-hand boxes
    and their cached SAM tokens (DriPE in the paper).

    ``L = L_CRCD + L_IRDD``: the student is a :class:`BCVEncoder` (its
    tokens ``v``); :class:`CRCDHead` distils SAM's position-aware region
    knowledge into the dense map (Eq. 1); :class:`IRDDHead` aligns RoIAlign
    features of the dense map with the teacher's [CLS] token of each
    cropped region (Eq. 2). The teacher is the encoder's frozen ViT with
    the adapters switched off (the same initial weights, as the paper
    asks, without a second copy); with ``peft='full'`` (whose ViT weights
    change) it is a frozen copy made in :meth:`init_weights`. All crops of a
    batch go through the teacher as one batch.

    :meth:`parse_losses` returns the task losses ``[L_CRCD, L_IRDD]`` (a
    list) for :class:`PCGradOptimWrapper` (Gradient Surgery,
    or ``surgery=False`` for the plain sum); set ``task_losses=False`` to
    get the usual summed scalar for other optimizer wrappers.

    Inputs: ``inputs`` ``[B, 3, H, W]`` (after the data preprocessor) and
    data samples with ``region_boxes`` ``[R, 4]`` (input pixels, ``x1, y1,
    x2, y2``), ``region_tokens`` ``[R, C_sam]`` and ``region_valid``
    ``[R]`` (see :class:`PackRegionInputs`).

    Args:
        backbone (dict): :class:`BCVEncoder` config (``out_type`` is set to
            ``'raw'``).
        crcd_head (dict): :class:`CRCDHead` config.
        irdd_head (dict): :class:`IRDDHead` config.
        teacher_input_size (int | tuple, optional): Crop size fed to the
            teacher. Defaults to the encoder's ``img_size``.
        task_losses (bool): Return the loss vector from
            :meth:`parse_losses`. Defaults to True.
        data_preprocessor (dict, optional): Data preprocessor config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 crcd_head: dict,
                 irdd_head: dict,
                 teacher_input_size: Union[int, Tuple[int, int], None] = None,
                 task_losses: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(dict(backbone, out_type='raw'))
        self.crcd_head = MODELS.build(crcd_head)
        self.irdd_head = MODELS.build(irdd_head)
        if teacher_input_size is None:
            teacher_input_size = self.backbone.img_size
        if isinstance(teacher_input_size, int):
            teacher_input_size = (teacher_input_size, teacher_input_size)
        self.teacher_input_size = tuple(teacher_input_size)
        self.task_losses = task_losses
        self.teacher = None
        if self.backbone.peft == 'full':
            self.teacher = MODELS.build(
                dict(backbone, out_type='raw', peft='none', init_cfg=None))

    def init_weights(self) -> None:
        """Initialise (load the CLIP checkpoint into the encoder) and, for
        full fine-tuning, copy the encoder into the frozen teacher."""
        super().init_weights()
        if self.teacher is not None:
            self.teacher.load_state_dict(self.backbone.state_dict())

    def train(self, mode: bool = True) -> 'SBCDPretrainer':
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()
        return self

    # ------------------------------------------------------------------
    @torch.no_grad()
    def teacher_targets(self,
                        inputs: Tensor,
                        boxes: Tensor,
                        valid: Optional[Tensor] = None) -> Tensor:
        """Teacher [CLS] tokens ``[B, R, D]`` of the cropped regions (zeros
        for invalid regions, which are not run through the teacher).

        Args:
            inputs (Tensor): ``[B, 3, H, W]`` normalised images.
            boxes (Tensor): ``[B, R, 4]`` boxes in input pixels.
            valid (Tensor, optional): ``[B, R]`` bool; all by default.
        """
        b, r = boxes.shape[:2]
        crops = crop_regions(inputs, boxes, self.teacher_input_size)
        keep = torch.ones(b * r, dtype=torch.bool, device=inputs.device) \
            if valid is None else valid.reshape(-1)
        if self.teacher is not None:
            cls = self.teacher(crops[keep])[-1][:, 0]
        else:
            with self.backbone.adapters_disabled():
                cls = self.backbone(crops[keep])[-1][:, 0]
        targets = cls.new_zeros(b * r, cls.size(-1))
        targets[keep] = cls
        return targets.reshape(b, r, -1)

    @staticmethod
    def _stack(data_samples: List, key: str, device) -> Tensor:
        return torch.stack([getattr(s, key) for s in data_samples]).to(device)

    def loss(self, inputs: Tensor, data_samples: List) -> Dict[str, Tensor]:
        """CRCD and IRDD losses of a batch."""
        device = inputs.device
        boxes = self._stack(data_samples, 'region_boxes', device).float()
        region_tokens = self._stack(data_samples, 'region_tokens', device)
        valid = self._stack(data_samples, 'region_valid', device).bool()

        tokens = self.backbone(inputs)[-1]  # [B, 1 + h*w, D]
        b, _, height, width = inputs.shape
        num_extra = self.backbone.num_extra_tokens
        losses = self.crcd_head.loss(tokens, region_tokens.float(), valid,
                                     num_extra)
        patch = self.backbone.patch_embed.projection.stride
        h, w = height // patch[0], width // patch[1]
        dense = tokens[:, num_extra:].transpose(1, 2).reshape(b, -1, h, w)
        targets = self.teacher_targets(inputs, boxes, valid)
        losses.update(
            self.irdd_head.loss(dense, boxes, targets, valid, 1.0 / patch[0]))
        return losses

    def parse_losses(
        self, losses: Dict[str, Tensor]
    ) -> Tuple[Union[Tensor, List[Tensor]], Dict[str, Tensor]]:
        """The summed loss and log variables as usual, or with
        ``task_losses`` the list ``[loss_crcd, loss_irdd]``."""
        loss, log_vars = super().parse_losses(losses)
        if self.task_losses:
            loss = [losses['loss_crcd'], losses['loss_irdd']]
        return loss, log_vars

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        """``mode='loss'``: the loss dict; ``mode='tensor'``: the encoder's
        tokens ``[B, 1 + h*w, D]``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.backbone(inputs)[-1]
        raise RuntimeError(f'SBCDPretrainer supports mode "loss" and '
                           f'"tensor", got "{mode}"')
