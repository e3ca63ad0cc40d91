# Copyright (c) mmvb contributors. All rights reserved.
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def _topk_indices(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices ``[S, k]`` of the ``k`` best scores, best first (stable:
    among equal scores the lower index ranks first)."""
    return np.argsort(-scores, axis=1, kind='stable')[:, :k]


@METRICS.register_module()
class VerbNounActionMetric(BaseMetric):
    """Verb, noun and action accuracy of EPIC-Kitchens (55 and 100).

    Shared by W3 (EPIC-Kitchens-55, Table 4) and DATAR (EPIC-Kitchens-100,
    Table 3). Reports ``verb_top{k}``, ``noun_top{k}`` and
    ``action_top{k}`` for each ``k`` in ``topk`` (fractions in ``[0, 1]``,
    like MMAction2's ``AccMetric``).

    **Label / score convention** (written by
    :class:`mmvb.models.VerbNounHead`): ``gt_label`` is
    ``LongTensor([verb, noun])`` and ``pred_score`` is the concatenation
    ``[verb_scores (num_verbs), noun_scores (num_nouns)]``; the metric
    splits it at ``num_verbs``.

    Verb and noun accuracy are ordinary top-k accuracies of each task's
    scores. Action accuracy (``action_mode='epic'``, the default) follows
    the official EPIC-Kitchens evaluation
    (``compute_action_scores`` in ``epic-kitchens/C1-Action-Recognition``):
    the verb and noun scores are each turned into
    probabilities with a softmax (``apply_softmax=True``), every
    (verb, noun) pair is scored by the product of its two probabilities,
    and a sample is correct at ``k`` iff its ground-truth pair is among the
    ``k`` best pairs. The official code takes the top-100 of each task
    before the softmax; that rescales each task's probabilities by a
    per-sample constant and so ranks the pairs identically. Hence action
    top-1 is "verb top-1 and noun top-1 both correct". Only the best
    ``max(topk)`` verbs and nouns can form the ``max(topk)`` best pairs, so
    only those are scored (no ``[S, V, N]`` tensor).

    ``action_mode='joint'`` instead counts a sample correct at ``k`` iff
    the verb is in the verb top-k and the noun in the noun top-k (the
    "multitask" accuracy of Auditory SlowFast); it equals ``'epic'`` for
    ``k = 1`` and is higher for ``k > 1``.

    Args:
        num_verbs (int): Number of verb classes (where ``pred_score`` is
            split).
        num_nouns (int, optional): Number of noun classes; when given, the
            score length is checked. Defaults to None.
        topk (int | tuple[int]): Values of ``k``. Defaults to ``(1, 5)``.
        apply_softmax (bool): Softmax each task's scores before the pair
            product (as EPIC's evaluation does; right for logits, i.e. the
            head's ``average_clips='score'``). Set False when the scores
            are already probabilities (``average_clips='prob'``); they must
            then be non-negative. Defaults to True.
        action_mode (str): ``'epic'`` or ``'joint'``. Defaults to
            ``'epic'``.
        collect_device (str): Device for collecting results across ranks.
            Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to ``'acc'``.
    """
    default_prefix: Optional[str] = 'acc'

    def __init__(self,
                 num_verbs: int,
                 num_nouns: Optional[int] = None,
                 topk: Union[int, Tuple[int, ...]] = (1, 5),
                 apply_softmax: bool = True,
                 action_mode: str = 'epic',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(topk, int):
            topk = (topk, )
        assert all(k > 0 for k in topk), 'topk values must be positive'
        assert action_mode in ('epic', 'joint'), \
            f"action_mode must be 'epic' or 'joint', got {action_mode}"
        self.num_verbs = num_verbs
        self.num_nouns = num_nouns
        self.topk = tuple(topk)
        self.apply_softmax = apply_softmax
        self.action_mode = action_mode

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        """Store the verb/noun scores and labels of a batch.

        Args:
            data_batch (Any): Unused.
            data_samples (Sequence[dict | ActionDataSample]): Model outputs
                with ``pred_score`` ``[V + N]`` and ``gt_label`` ``[2]``.
        """
        for data_sample in data_samples:
            score = data_sample.get('pred_score')
            label = data_sample.get('gt_label')
            score = score.detach().float().cpu().numpy().reshape(-1)
            label = label.detach().cpu().numpy().reshape(-1)
            if label.shape[0] != 2:
                raise ValueError('VerbNounActionMetric expects gt_label = '
                                 f'[verb, noun], got {label.tolist()}')
            if self.num_nouns is not None and \
                    score.shape[0] != self.num_verbs + self.num_nouns:
                raise ValueError(
                    f'pred_score has {score.shape[0]} entries, expected '
                    f'num_verbs + num_nouns = '
                    f'{self.num_verbs + self.num_nouns}')
            self.results.append(
                dict(
                    verb_score=score[:self.num_verbs],
                    noun_score=score[self.num_verbs:],
                    verb_label=int(label[0]),
                    noun_label=int(label[1])))

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        """Compute the accuracies.

        Args:
            results (list[dict]): Stored by :meth:`process`.

        Returns:
            dict[str, float]: ``verb_top{k}``, ``noun_top{k}``,
            ``action_top{k}``.
        """
        verb = np.stack([r['verb_score'] for r in results])  # [S, V]
        noun = np.stack([r['noun_score'] for r in results])  # [S, N]
        verb_label = np.array([r['verb_label'] for r in results])
        noun_label = np.array([r['noun_label'] for r in results])
        max_k = max(self.topk)
        verb_top = _topk_indices(verb, max_k)  # [S, kv]
        noun_top = _topk_indices(noun, max_k)  # [S, kn]
        # rank_hit[s, j]: the label is the j-th best (j < max_k).
        verb_hit = verb_top == verb_label[:, None]
        noun_hit = noun_top == noun_label[:, None]

        hits = dict(verb=verb_hit, noun=noun_hit)
        if self.action_mode == 'epic':
            hits['action'] = self._action_pair_hits(verb, noun, verb_top,
                                                    noun_top, verb_label,
                                                    noun_label, max_k)
        eval_results = OrderedDict()
        for task in ('verb', 'noun', 'action'):
            for k in self.topk:
                if task in hits:
                    correct = hits[task][:, :k].any(1)
                else:  # action_mode='joint'
                    correct = verb_hit[:, :k].any(1) & noun_hit[:, :k].any(1)
                eval_results[f'{task}_top{k}'] = float(correct.mean())
        return eval_results

    def _action_pair_hits(self, verb: np.ndarray, noun: np.ndarray,
                          verb_top: np.ndarray, noun_top: np.ndarray,
                          verb_label: np.ndarray, noun_label: np.ndarray,
                          max_k: int) -> np.ndarray:
        """Whether the gt pair is the j-th best (verb, noun) pair.

        Args:
            verb (np.ndarray): Verb scores ``[S, V]``.
            noun (np.ndarray): Noun scores ``[S, N]``.
            verb_top (np.ndarray): Best verbs ``[S, kv]``.
            noun_top (np.ndarray): Best nouns ``[S, kn]``.
            verb_label (np.ndarray): ``[S]``.
            noun_label (np.ndarray): ``[S]``.
            max_k (int): Number of best pairs to rank.

        Returns:
            np.ndarray: ``[S, min(max_k, kv * kn)]`` bool.
        """
        if self.apply_softmax:
            verb, noun = _softmax(verb), _softmax(noun)
        elif (verb < 0).any() or (noun < 0).any():
            raise ValueError('apply_softmax=False needs non-negative '
                             '(probability) scores')
        pv = np.take_along_axis(verb, verb_top, axis=1)  # [S, kv]
        pn = np.take_along_axis(noun, noun_top, axis=1)  # [S, kn]
        pair = (pv[:, :, None] * pn[:, None, :]).reshape(len(verb), -1)
        best = _topk_indices(pair, max_k)  # indices into kv * kn
        kn = noun_top.shape[1]
        best_verb = np.take_along_axis(verb_top, best // kn, axis=1)
        best_noun = np.take_along_axis(noun_top, best % kn, axis=1)
        return (best_verb == verb_label[:, None]) & (
            best_noun == noun_label[:, None])
