# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmaction.evaluation import top_k_accuracy
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, SampleList
from mmengine.model.weight_init import normal_init
from torch import Tensor, nn


@MODELS.register_module()
class VerbNounHead(BaseHead):
    """Two linear classifiers (verb and noun) for EPIC-Kitchens.

    Used by W3 (EPIC-Kitchens-55, on TSM-ResNet-50 features) and DATAR
    (EPIC-Kitchens-100, "two classification heads for verb and noun" on the
    pooled transformer features). The loss is the sum of the two
    cross-entropies, ``w_verb * CE(verb) + w_noun * CE(noun)`` (the
    multi-task loss of the EPIC baselines, e.g. Price & Damen 2019 and
    Auditory SlowFast).

    **Label / score convention** (shared with
    :class:`mmvb.evaluation.VerbNounActionMetric`):

    * ``data_sample.gt_label`` is ``LongTensor([verb, noun])`` (shape
      ``[2]``). MMAction2's ``PackActionInputs`` produces it unchanged from
      ``results['label'] = [verb, noun]`` (``format_label`` turns a list
      into a long tensor); the dataset must use ``multi_class=False``.
    * ``data_sample.pred_score`` is the concatenation
      ``[verb_scores (num_verbs), noun_scores (num_nouns)]`` (shape
      ``[num_verbs + num_nouns]``), and ``pred_label`` is
      ``LongTensor([verb_argmax, noun_argmax])``. With
      ``average_clips='prob'`` each half is a softmax of its own task; with
      ``'score'`` both halves are raw logits averaged over views.

    Input features may be ``[N, C]`` (pooled), ``[N, C, ...]`` (e.g.
    ``[N, C, H, W]`` or ``[N, C, T, H, W]``, average-pooled over all axes
    after ``C`` when ``spatial_type='avg'``), or TSM style
    ``[N * num_segments, C, H, W]``, whose scores are averaged over the
    ``num_segments`` segments (like MMAction2's ``TSMHead``).

    Args:
        num_verbs (int): Number of verb classes (EPIC-55: 125 as in the
            W3 paper, EPIC-100: 97).
        num_nouns (int): Number of noun classes (EPIC-55: 352, the
            released class list, whose ids the training labels use up to
            351; the W3 paper counts 331. EPIC-100: 300, of which DATAR keeps
            the 293 with training samples).
        in_channels (int): Feature channels ``C``.
        num_segments (int): Segments averaged per sample (TSM).
            Defaults to 1.
        loss_cls (dict): Loss config, applied to each task.
            Defaults to ``dict(type='CrossEntropyLoss')``.
        loss_weights (Sequence[float]): ``(w_verb, w_noun)``.
            Defaults to ``(1.0, 1.0)``.
        spatial_type (str, optional): ``'avg'`` pools every axis after
            ``C``; None flattens them (then ``in_channels`` must be the
            flattened size). Defaults to ``'avg'``.
        dropout_ratio (float): Dropout before the classifiers.
            Defaults to 0.5.
        init_std (float): Std of the classifier weights. Defaults to 0.01.
        kwargs: Passed to ``BaseHead`` (``label_smooth_eps``, ``topk``,
            ``average_clips``, ``init_cfg``); ``num_classes`` is
            ``num_verbs + num_nouns``.
    """

    def __init__(self,
                 num_verbs: int,
                 num_nouns: int,
                 in_channels: int,
                 num_segments: int = 1,
                 loss_cls: ConfigType = dict(type='CrossEntropyLoss'),
                 loss_weights: Sequence[float] = (1.0, 1.0),
                 spatial_type: Optional[str] = 'avg',
                 dropout_ratio: float = 0.5,
                 init_std: float = 0.01,
                 **kwargs) -> None:
        kwargs.pop('num_classes', None)
        super().__init__(num_verbs + num_nouns, in_channels, loss_cls,
                         **kwargs)
        assert spatial_type in ('avg', None), \
            f'spatial_type must be avg or None, got {spatial_type}'
        assert len(loss_weights) == 2, 'loss_weights is (verb, noun)'
        self.num_verbs = num_verbs
        self.num_nouns = num_nouns
        self.num_segments = num_segments
        self.loss_weights = tuple(float(w) for w in loss_weights)
        self.spatial_type = spatial_type
        self.dropout_ratio = dropout_ratio
        self.init_std = init_std
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio else None
        self.fc_verb = nn.Linear(in_channels, num_verbs)
        self.fc_noun = nn.Linear(in_channels, num_nouns)

    def init_weights(self) -> None:
        """Normal init of both classifiers (bias 0)."""
        normal_init(self.fc_verb, std=self.init_std)
        normal_init(self.fc_noun, std=self.init_std)

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """Verb and noun scores.

        Args:
            x (Tensor): ``[N * num_segments, C]`` or
                ``[N * num_segments, C, ...]``.
            kwargs: Ignored (``num_segs`` from the recognizer; the head
                uses its own ``num_segments``, as ``TSMHead`` does).

        Returns:
            Tensor: ``[N, num_verbs + num_nouns]``, verb logits then noun
            logits.
        """
        if x.dim() > 2:
            x = x.flatten(2).mean(-1) if self.spatial_type == 'avg' \
                else x.flatten(1)
        if self.dropout is not None:
            x = self.dropout(x)
        scores = torch.cat((self.fc_verb(x), self.fc_noun(x)), dim=-1)
        if self.num_segments > 1:
            scores = scores.view(-1, self.num_segments, scores.size(-1))
            scores = scores.mean(1)
        return scores

    def split_scores(self, scores: Tensor) -> Tuple[Tensor, Tensor]:
        """Split ``[..., num_verbs + num_nouns]`` into verb and noun parts.

        Args:
            scores (Tensor): Concatenated scores ``[..., V + N]``.

        Returns:
            tuple[Tensor, Tensor]: ``[..., V]`` and ``[..., N]``.
        """
        return scores.split([self.num_verbs, self.num_nouns], dim=-1)

    def loss_by_feat(self, cls_scores: Tensor,
                     data_samples: SampleList) -> Dict:
        """Weighted sum of the verb and noun losses (as two entries).

        Args:
            cls_scores (Tensor): ``[B, V + N]`` from :meth:`forward`.
            data_samples (list[ActionDataSample]): ``gt_label`` is
                ``[verb, noun]``.

        Returns:
            dict: ``loss_verb``, ``loss_noun`` (summed by the model's
            ``parse_losses``) and ``{verb,noun}_top{k}_acc`` for logging.
        """
        labels = torch.stack([ds.gt_label for ds in data_samples])
        if labels.dim() != 2 or labels.size(1) != 2:
            raise ValueError('VerbNounHead expects gt_label = [verb, noun] '
                             f'per sample, got labels of shape '
                             f'{tuple(labels.shape)}')
        labels = labels.to(cls_scores.device).long()
        losses = dict()
        tasks = zip(('verb', 'noun'), self.split_scores(cls_scores),
                    labels.unbind(1), self.loss_weights,
                    (self.num_verbs, self.num_nouns))
        for name, scores, label, weight, num in tasks:
            # float(): numpy has no bfloat16 (bf16 autocast)
            accs = top_k_accuracy(scores.detach().float().cpu().numpy(),
                                  label.cpu().numpy(), self.topk)
            for k, acc in zip(self.topk, accs):
                losses[f'{name}_top{k}_acc'] = torch.tensor(
                    acc, device=cls_scores.device)
            target = label
            if self.label_smooth_eps != 0:
                target = F.one_hot(label, num).to(scores.dtype)
                target = ((1 - self.label_smooth_eps) * target +
                          self.label_smooth_eps / num)
            losses[f'loss_{name}'] = weight * self.loss_cls(scores, target)
        return losses

    def predict_by_feat(self, cls_scores: Tensor,
                        data_samples: SampleList) -> SampleList:
        """Average views and write ``pred_score`` / ``pred_label``.

        Args:
            cls_scores (Tensor): ``[B * num_views, V + N]``.
            data_samples (list[ActionDataSample]): ``B`` samples.

        Returns:
            list[ActionDataSample]: With ``pred_score`` ``[V + N]`` and
            ``pred_label`` ``[verb, noun]`` (see the class docstring).
        """
        num_views = cls_scores.shape[0] // len(data_samples)
        cls_scores = self.average_clip(cls_scores, num_segs=num_views)
        verb, noun = self.split_scores(cls_scores)
        pred_labels = torch.stack((verb.argmax(-1), noun.argmax(-1)), dim=-1)
        for data_sample, score, label in zip(data_samples, cls_scores,
                                             pred_labels.detach()):
            data_sample.set_pred_score(score)
            data_sample.set_pred_label(label)
        return data_samples

    def average_clip(self, cls_scores: Tensor, num_segs: int = 1) -> Tensor:
        """Average the scores of the views of each sample, per task.

        ``'prob'`` applies the softmax to the verb and noun halves
        separately (``BaseHead.average_clip`` would normalise over the
        concatenation) and averages; ``'score'`` averages raw scores;
        ``None`` keeps raw scores and needs one view per sample.

        Args:
            cls_scores (Tensor): ``[B * num_segs, V + N]``.
            num_segs (int): Views per sample. Defaults to 1.

        Returns:
            Tensor: ``[B, V + N]``.
        """
        if self.average_clips not in ('score', 'prob', None):
            raise ValueError(f'{self.average_clips} is not supported. '
                             'Currently supported ones are '
                             '["score", "prob", None]')
        if self.average_clips is None and num_segs != 1:
            raise ValueError('average_clips=None keeps one score per view; '
                             f'got {num_segs} views per sample. Set '
                             "average_clips='prob' or 'score'.")
        scores = cls_scores.view(-1, num_segs, cls_scores.size(-1))
        if self.average_clips == 'prob':
            verb, noun = self.split_scores(scores)
            scores = torch.cat((verb.softmax(-1), noun.softmax(-1)), dim=-1)
        return scores.mean(1)
