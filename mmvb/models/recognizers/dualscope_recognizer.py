# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional, Tuple, Union

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, OptSampleList
from mmengine.model import BaseModel
from torch import Tensor

from mmvb.utils import import_mmpretrain_models


def frame_features(out: Union[Tensor, tuple, list],
                   pooling: str = 'avg') -> Tensor:
    """Per-frame ``[N, C]`` features from a frame encoder's output.

    The frame-encoder contract: the encoder takes ``[N, 3, H, W]`` and
    returns ``[N, C]`` or a tuple/list whose last element is ``[N, C]``
    (mmpretrain's ``VisionTransformer(out_type='cls_token')``). A
    ``[N, C, h, w]`` feature map (CNN backbones) is average-pooled
    (``pooling='avg'``) or flattened to ``[N, C * h * w]``
    (``'flatten'``, which keeps the spatial layout).
    """
    if isinstance(out, (tuple, list)):
        out = out[-1]
    if out.dim() == 4:
        out = out.mean(dim=(2, 3)) if pooling == 'avg' else out.flatten(1)
    if out.dim() != 2:
        raise ValueError('a frame encoder must return [N, C] (or a tuple '
                         'ending with it, or an [N, C, h, w] map); got '
                         f'{tuple(out.shape)}')
    return out


@MODELS.register_module()
class DualScopeRecognizer(BaseRecognizer):
    """DualScope: a per-frame encoder, then the temporal scope head.

    `DualScope: Capturing Critical Spatial and Temporal Cues for Distracted
    Driving Activity Recognition` (Qiu, Li et al.). The frame encoder
    (``backbone``) is any image backbone of mmpretrain or mmaction2 (CLIP
    ViT-L/14 in the paper, the BCVE of the Spatial Scope after SBCD
    pre-training); it encodes every frame independently and the head
    (:class:`mmvb.models.DualScopeHead`) models time. See
    :func:`frame_features` for the encoder's output contract.

    Inputs (after the data preprocessor) are either

    * frames ``[B, num_clips, 3, T, H, W]`` (``format_shape='NCTHW'``), run
      through the encoder, or
    * cached frame features ``[B, num_clips, T, C]`` (or ``[B, T, C]``)
      from ``tools/dualscope/extract_features.py``; the encoder is then not
      run (and may be None). This is the fast path when the encoder is
      frozen.

    Test views (``num_clips``) are averaged by the head's ``average_clips``.

    Args:
        cls_head (dict): The head config (:class:`DualScopeHead`).
        backbone (dict, optional): The frame encoder; types prefixed with
            ``mmpretrain.`` register mmpretrain's models first. None for a
            model that only takes cached features. Defaults to None.
        freeze_backbone (bool): Freeze the encoder: no gradients, kept in
            eval mode, run under ``torch.no_grad``. Defaults to True.
        frames_per_forward (int, optional): Encode at most this many frames
            per encoder call (bounds memory for long clips); None encodes
            all at once. Defaults to None.
        frame_pooling (str): How an encoder's ``[N, C, h, w]`` map becomes
            a frame feature: ``'avg'`` or ``'flatten'`` (see
            :func:`frame_features`). Defaults to ``'avg'``.
        data_preprocessor (dict, optional): Defaults to
            ``dict(type='FrameFeatureDataPreprocessor')``.
        train_cfg (dict, optional): Defaults to None.
        test_cfg (dict, optional): Defaults to None.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 cls_head: ConfigType,
                 backbone: OptConfigType = None,
                 freeze_backbone: bool = True,
                 frames_per_forward: Optional[int] = None,
                 frame_pooling: str = 'avg',
                 data_preprocessor: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='FrameFeatureDataPreprocessor')
        # BaseRecognizer.__init__ needs a backbone; set up what it would.
        BaseModel.__init__(
            self, data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone_from = 'mmaction2'
        self.backbone = None
        if backbone is not None:
            backbone_type = backbone['type']
            if isinstance(backbone_type, str) and \
                    backbone_type.startswith('mmpretrain.'):
                if import_mmpretrain_models() is None:
                    raise ImportError(
                        'Please install mmpretrain to use this backbone.')
                self.backbone_from = 'mmpretrain'
            self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)
        self.freeze_backbone = freeze_backbone
        self.frames_per_forward = frames_per_forward
        assert frame_pooling in ('avg', 'flatten'), frame_pooling
        self.frame_pooling = frame_pooling
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg
        if self.backbone is not None and freeze_backbone:
            self.backbone.requires_grad_(False)
            self.backbone.eval()

    def train(self, mode: bool = True) -> 'DualScopeRecognizer':
        """Set train/eval mode, keeping a frozen encoder in eval mode."""
        super().train(mode)
        if self.backbone is not None and self.freeze_backbone:
            self.backbone.eval()
        return self

    def encode_frames(self, frames: Tensor) -> Tensor:
        """Run the frame encoder on every frame.

        Args:
            frames (Tensor): ``[M, 3, T, H, W]`` clips.

        Returns:
            Tensor: Frame features ``[M, T, C]``.
        """
        if self.backbone is None:
            raise RuntimeError('this model has no frame encoder (backbone='
                               'None); feed it cached features [B, clips, '
                               'T, C]')
        num, channels, length, height, width = frames.shape
        flat = frames.transpose(1, 2).reshape(num * length, channels, height,
                                              width)
        step = self.frames_per_forward or flat.shape[0]
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze_backbone):
            feats = [
                frame_features(
                    self.backbone(flat[i:i + step]), self.frame_pooling)
                for i in range(0, flat.shape[0], step)
            ]
        return torch.cat(feats).view(num, length, -1)

    def extract_feat(self,
                     inputs: Tensor,
                     stage: str = 'neck',
                     data_samples: OptSampleList = None,
                     test_mode: bool = False) -> Tuple[Tensor, dict]:
        """Per-frame features ``[B * num_clips, T, C]`` (``stage`` is
        ``'backbone'`` or ``'neck'``) or class scores (``'head'``).

        Args:
            inputs (Tensor): Frames ``[B, num_clips, 3, T, H, W]`` or
                features ``[B, num_clips, T, C]`` / ``[B, T, C]``.
            stage (str): ``'backbone'``, ``'neck'`` or ``'head'``.
                Defaults to ``'neck'``.
            data_samples (list, optional): Unused. Defaults to None.
            test_mode (bool): Unused (the head averages views).
                Defaults to False.

        Returns:
            tuple[Tensor, dict]: The features and an empty kwargs dict for
            the head.
        """
        if inputs.dim() == 6:
            x = self.encode_frames(inputs.flatten(0, 1))
        elif inputs.dim() == 5:
            x = self.encode_frames(inputs)
        elif inputs.dim() == 4:
            x = inputs.flatten(0, 1)
        elif inputs.dim() == 3:
            x = inputs
        else:
            raise ValueError('inputs must be frames [B, clips, 3, T, H, W] '
                             'or features [B, clips, T, C]; got '
                             f'{tuple(inputs.shape)}')
        if stage == 'head':
            return self.cls_head(x), dict()
        return x, dict()

    def extract_embeddings(self, inputs: Tensor) -> Tensor:
        """Clip embeddings (the head's pooled temporal features before the
        classifier), averaged over the clips of each sample.

        Args:
            inputs (Tensor): As :meth:`extract_feat`, batch first.

        Returns:
            Tensor: ``[B, D]``.
        """
        x, _ = self.extract_feat(inputs)
        emb = self.cls_head.forward_embedding(x)
        return emb.view(inputs.shape[0], -1, emb.shape[-1]).mean(dim=1)
