# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest
import torch
from mmaction.registry import METRICS
from mmaction.structures import ActionDataSample

from mmvb.evaluation import VerbNounActionMetric


def _sample(verb, noun, label):
    ds = ActionDataSample().set_gt_label(label)
    ds.set_pred_score(torch.tensor(list(verb) + list(noun)))
    return ds.to_dict()


def _run(metric, samples):
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_hand_checked_accuracies_with_probabilities():
    verb = [0.5, 0.4, 0.1]
    noun = [0.6, 0.3, 0.1]
    # Pair probabilities: (0,0) .30, (1,0) .24, (0,1) .15, (1,1) .12,
    # (2,0) .06, (0,2) .05, ...
    samples = [
        _sample(verb, noun, [0, 0]),  # action rank 1
        _sample(verb, noun, [1, 1]),  # verb rank 2, noun rank 2, pair 4
        _sample(verb, noun, [2, 0]),  # verb rank 3, pair 5
        _sample(verb, noun, [2, 2]),  # verb 3, noun 3, pair 9
    ]
    metric = VerbNounActionMetric(
        num_verbs=3, num_nouns=3, topk=(1, 2, 5), apply_softmax=False)
    res = _run(metric, samples)
    assert list(res) == [
        'verb_top1', 'verb_top2', 'verb_top5', 'noun_top1', 'noun_top2',
        'noun_top5', 'action_top1', 'action_top2', 'action_top5'
    ]
    assert res['verb_top1'] == 0.25
    assert res['verb_top2'] == 0.5
    assert res['verb_top5'] == 1.0
    assert res['noun_top1'] == 0.5  # samples 0 and 2
    assert res['noun_top2'] == 0.75
    assert res['action_top1'] == 0.25
    assert res['action_top2'] == 0.25  # pair of sample 1 is 4th
    assert res['action_top5'] == 0.75  # ranks 1, 4, 5 (not 9)
    # The 'joint' (Auditory SlowFast) variant: verb in top-k and noun in
    # top-k; same at k=1, higher at k=2.
    joint = _run(
        VerbNounActionMetric(
            num_verbs=3, topk=(1, 2), apply_softmax=False,
            action_mode='joint'), samples)
    assert joint['action_top1'] == 0.25
    assert joint['action_top2'] == 0.5  # samples 0 and 1


def test_softmax_of_log_probs_equals_probabilities():
    rng = np.random.default_rng(0)
    samples_p, samples_l = [], []
    for _ in range(20):
        v = rng.dirichlet(np.ones(5))
        n = rng.dirichlet(np.ones(7))
        label = [int(rng.integers(5)), int(rng.integers(7))]
        samples_p.append(_sample(v, n, label))
        samples_l.append(_sample(np.log(v) + 3.0, np.log(n) - 1.0, label))
    res_p = _run(
        VerbNounActionMetric(5, topk=(1, 3, 5), apply_softmax=False),
        samples_p)
    res_l = _run(VerbNounActionMetric(5, topk=(1, 3, 5)), samples_l)
    assert res_p == pytest.approx(res_l)


def test_against_brute_force_pair_ranking():
    rng = np.random.default_rng(1)
    num_s, nv, nn_ = 200, 7, 9
    verb = rng.normal(size=(num_s, nv)) * 2
    noun = rng.normal(size=(num_s, nn_)) * 2
    vl = rng.integers(nv, size=num_s)
    nl = rng.integers(nn_, size=num_s)
    # Make some predictions right so that accuracies are not ~0.
    verb[np.arange(50), vl[:50]] += 4
    noun[np.arange(80), nl[:80]] += 4
    samples = [
        _sample(verb[i], noun[i], [int(vl[i]), int(nl[i])])
        for i in range(num_s)
    ]
    res = _run(VerbNounActionMetric(nv, nn_, topk=(1, 3, 5)), samples)

    def softmax(x):
        e = np.exp(x - x.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    pv, pn = softmax(verb), softmax(noun)
    for k in (1, 3, 5):
        v_ok = np.mean(
            [vl[i] in np.argsort(-verb[i])[:k] for i in range(num_s)])
        n_ok = np.mean(
            [nl[i] in np.argsort(-noun[i])[:k] for i in range(num_s)])
        a_ok = []
        for i in range(num_s):
            pair = np.outer(pv[i], pn[i]).ravel()  # index v * N + n
            a_ok.append(vl[i] * nn_ + nl[i] in np.argsort(-pair)[:k])
        assert res[f'verb_top{k}'] == pytest.approx(v_ok)
        assert res[f'noun_top{k}'] == pytest.approx(n_ok)
        assert res[f'action_top{k}'] == pytest.approx(np.mean(a_ok))
    # Action top-1 is "verb and noun top-1 both right".
    both = np.mean((verb.argmax(1) == vl) & (noun.argmax(1) == nl))
    assert res['action_top1'] == pytest.approx(both)
    assert 0 < res['action_top1'] < res['action_top5'] < 1


def test_registry_prefix_and_data_element_input():
    metric = METRICS.build(
        dict(type='VerbNounActionMetric', num_verbs=2, topk=1))
    ds = ActionDataSample().set_gt_label([1, 0])
    ds.set_pred_score(torch.tensor([0.1, 0.9, 0.7, 0.3]))
    metric.process({}, [ds])  # an ActionDataSample also works
    assert metric.evaluate(1) == {
        'acc/verb_top1': 1.0,
        'acc/noun_top1': 1.0,
        'acc/action_top1': 1.0
    }


def test_input_checks():
    metric = VerbNounActionMetric(num_verbs=2, num_nouns=2)
    with pytest.raises(ValueError, match='verb, noun'):
        metric.process({}, [_sample([1, 0], [1, 0], [1])])
    with pytest.raises(ValueError, match='num_verbs \\+ num_nouns'):
        metric.process({}, [_sample([1, 0], [1, 0, 0], [1, 0])])
    metric = VerbNounActionMetric(num_verbs=2, apply_softmax=False)
    with pytest.raises(ValueError, match='non-negative'):
        _run(metric, [_sample([-1.0, 0.0], [1.0, 0.0], [1, 0])])
    with pytest.raises(AssertionError):
        VerbNounActionMetric(num_verbs=2, action_mode='other')
