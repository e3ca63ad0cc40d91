# Copyright (c) mmvb contributors. All rights reserved.
import math
from typing import Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS, TOKENIZER
from mmaction.utils import ConfigType
from torch import Tensor, nn

from .autocast_head_mixin import AutocastHeadMixin

AGGREGATIONS = ('prob', 'score', 'feature', 'vote')


class CLIPProjection(nn.Module):
    """CLIP's image projection ``x @ proj`` (no bias); the parameter is
    named as in mmpretrain's ``CLIPProjection`` (``proj``)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.proj = nn.Parameter(
            torch.randn(in_channels, out_channels) * in_channels**-0.5)

    def forward(self, x: Tensor) -> Tensor:
        return x @ self.proj


@MODELS.register_module()
class CLIPZeroShotHead(AutocastHeadMixin, BaseHead):
    """Zero-shot classification of frames and clips with CLIP text prompts.

    CLIP's zero-shot classifier (Radford et al., ICML 2021, Sec. 3.1.2):
    every class is described by prompts (``templates`` formatted with the
    class's descriptions); the class embedding is the normalised mean of the
    normalised text embeddings of its prompts (one prompt: its embedding);
    a frame's logits are ``exp(logit_scale) * cos(W_v x, t_k)`` with the
    image projection ``W_v`` applied to the frame encoder's ``[CLS]``
    feature ``x``. DualScope Table 2 follows DriveCLIP's protocol (Hasan et
    al., T-ITS 2024): frozen encoders, one template per dataset.

    The prompts are tokenised when the head is built (the vocabulary must
    be available then, see :class:`mmvb.models.utils.CLIPTokenizer`) and
    the class embeddings computed once and cached (the text tower is
    frozen); loading weights clears the cache.

    Frames of a clip (``[N, T, C]`` features) are combined by
    ``frame_aggregation``:

    * ``'prob'``: mean of the frames' softmax probabilities (returned as
      their logarithm, so ``softmax`` of the output is that mean);
    * ``'score'``: mean of the frames' logits;
    * ``'feature'``: cosine with the mean of the normalised frame
      embeddings;
    * ``'vote'``: majority vote of the frames' top-1 classes (DriveCLIP's
      video rule), ties broken by the mean probability.

    Args:
        num_classes (int): Number of classes.
        prompts (Sequence[str | Sequence[str]]): Per class, its description
            or descriptions.
        templates (Sequence[str]): Prompt templates with one ``{}``.
            Defaults to ``('{}', )`` (the descriptions as they are).
        in_channels (int): Frame feature channels. Defaults to 1024
            (ViT-L/14).
        embed_dims (int): Joint embedding size. Defaults to 768.
        text_encoder (dict): :class:`CLIPTextEncoder` config. Defaults to
            ViT-L/14's.
        tokenizer (dict): :class:`CLIPTokenizer` config. Defaults to
            ``dict(type='CLIPTokenizer')``.
        frame_aggregation (str): One of :data:`AGGREGATIONS`.
            Defaults to ``'prob'``.
        freeze_text (bool): Freeze the text tower. Defaults to True.
        loss_cls (dict): Loss on the logits (fine-tuning against the fixed
            text classifier). Defaults to ``dict(type='CrossEntropyLoss')``.
        average_clips (str, optional): How test views are averaged.
            Defaults to ``'prob'``.
        kwargs: Other :class:`mmaction.models.BaseHead` arguments.
    """

    def __init__(self,
                 num_classes: int,
                 prompts: Sequence[Union[str, Sequence[str]]],
                 templates: Sequence[str] = ('{}', ),
                 in_channels: int = 1024,
                 embed_dims: int = 768,
                 text_encoder: ConfigType = dict(type='CLIPTextEncoder'),
                 tokenizer: ConfigType = dict(type='CLIPTokenizer'),
                 frame_aggregation: str = 'prob',
                 freeze_text: bool = True,
                 loss_cls: ConfigType = dict(type='CrossEntropyLoss'),
                 average_clips: Optional[str] = 'prob',
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            **kwargs)
        if len(prompts) != num_classes:
            raise ValueError(f'{num_classes} classes but prompts for '
                             f'{len(prompts)}')
        if frame_aggregation not in AGGREGATIONS:
            raise ValueError(f'frame_aggregation must be one of '
                             f'{AGGREGATIONS}, got {frame_aggregation!r}')
        for template in templates:
            if template.count('{}') != 1:
                raise ValueError(f'template {template!r} must contain one '
                                 '"{}"')
        self.frame_aggregation = frame_aggregation
        self.prompts = [[p] if isinstance(p, str) else list(p)
                        for p in prompts]
        self.templates = list(templates)
        texts = [
            t.format(p) for ps in self.prompts for p in ps
            for t in self.templates
        ]
        # class index of every text, for the per-class mean
        owners = [
            k for k, ps in enumerate(self.prompts)
            for _ in range(len(ps) * len(self.templates))
        ]
        self.tokenizer = TOKENIZER.build(tokenizer)
        self.register_buffer('text_ids', self.tokenizer(texts), False)
        self.register_buffer('text_owner', torch.tensor(owners), False)
        self.visual_proj = CLIPProjection(in_channels, embed_dims)
        self.text_encoder = MODELS.build(text_encoder)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.freeze_text = freeze_text
        if freeze_text:
            self.text_encoder.requires_grad_(False)
        self._class_embeds = None
        self.register_load_state_dict_post_hook(
            lambda module, keys: module.clear_cache())

    def clear_cache(self) -> None:
        """Forget the cached class embeddings."""
        self._class_embeds = None

    def init_weights(self) -> None:
        super().init_weights()
        self.clear_cache()

    def class_embeddings(self) -> Tensor:
        """Normalised class embeddings ``[num_classes, embed_dims]``."""
        if self._class_embeds is not None and self.freeze_text:
            return self._class_embeds
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.freeze_text):
            texts = F.normalize(self.text_encoder(self.text_ids), dim=-1)
            sums = texts.new_zeros(self.num_classes, texts.shape[-1])
            sums.index_add_(0, self.text_owner, texts)
            embeds = F.normalize(sums, dim=-1)
        if self.freeze_text:
            self._class_embeds = embeds
        return embeds

    def frame_logits(self, x: Tensor) -> Tensor:
        """``exp(logit_scale) * cos`` of every frame with every class.

        Args:
            x (Tensor): Frame features ``[N, T, C]`` (or ``[N, C]``).

        Returns:
            Tensor: ``[N, T, num_classes]`` (or ``[N, num_classes]``).
        """
        image = F.normalize(self.visual_proj(x), dim=-1)
        return self.logit_scale.exp() * image @ self.class_embeddings().t()

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """Frame features ``[N, T, C]`` -> clip scores ``[N, num_classes]``
        (see ``frame_aggregation``)."""
        if x.dim() == 2:
            x = x[:, None]
        if x.dim() != 3:
            raise ValueError(f'expected [N, T, C] features, got {x.shape}')
        if self.frame_aggregation == 'feature':
            image = F.normalize(self.visual_proj(x), dim=-1).mean(dim=1)
            return self.logit_scale.exp() * F.normalize(image, dim=-1) @ \
                self.class_embeddings().t()
        logits = self.frame_logits(x)
        if self.frame_aggregation == 'score':
            return logits.mean(dim=1)
        probs = logits.softmax(dim=-1).mean(dim=1)
        if self.frame_aggregation == 'vote':
            votes = F.one_hot(logits.argmax(dim=-1), self.num_classes)
            # a vote outweighs any difference of mean probabilities (< 1)
            probs = votes.sum(dim=1).to(probs) + probs
            probs = probs / probs.sum(dim=-1, keepdim=True)
        return probs.clamp_min(torch.finfo(probs.dtype).tiny).log()
