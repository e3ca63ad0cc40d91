# Copyright (c) mmvb contributors. All rights reserved.
"""Every metafile: ``Results`` only for weights or a synthetic run.

Tools that read the model index (``mim``, the OpenMMLab model zoo pages,
Papers with Code) present ``Results`` as what the listed config and
weights achieve. Numbers copied from a paper go to ``Paper Results`` (same
layout; a custom field of the model-index schema) or to the README. A
``Results`` entry is allowed only for a model with ``Weights``, or, on a
synthetic set, for a model whose ``Synthetic Run`` gives the command that
produced it (a script of this repository run on the model's config) and,
optionally, the test that reruns it.
"""
import os.path as osp
import re
import shlex

import pytest
import yaml

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the metafiles the model index imports (tests/test_configs.py checks that
# it imports every configs/*/metafile.yml)
with open(osp.join(ROOT, 'model-index.yml')) as f:
    METAFILES = yaml.safe_load(f)['Import']


def _models(path):
    with open(osp.join(ROOT, path)) as f:
        return yaml.safe_load(f)['Models']


def _check_entries(entries, where):
    assert isinstance(entries, list) and entries, where
    for entry in entries:
        assert set(entry) == {'Dataset', 'Task', 'Metrics'}, where
        assert entry['Metrics'], where


def check_model(model):
    """The rule of the module docstring for one model entry."""
    where = model['Name']
    results = model.get('Results')
    if model.get('Paper Results') is not None:
        _check_entries(model['Paper Results'], where)
    if not results:
        assert 'Synthetic Run' not in model, f'{where}: a run without Results'
        return
    _check_entries(results, where)
    if model.get('Weights'):
        return
    run = model.get('Synthetic Run')
    assert run, (f'{where}: Results without Weights nor Synthetic Run '
                 '(paper numbers go to "Paper Results")')
    for entry in results:
        assert 'synthetic' in entry['Dataset'].lower(), (
            f'{where}: a synthetic run cannot give Results on '
            f'{entry["Dataset"]}')
    words = shlex.split(run['Command'])
    scripts = [w for w in words if w.endswith('.py') and w != model['Config']]
    assert scripts, f'{where}: no script in the command'
    for script in scripts:
        assert osp.isfile(osp.join(ROOT, script)), f'{where}: {script}'
    if 'Test' in run:
        with open(osp.join(ROOT, run['Test'])) as f:
            # the name may be split over adjacent string literals
            text = re.sub(r'[\'"\s]', '', f.read())
        assert osp.basename(model['Config'])[:-3] in text, \
            f'{where}: {run["Test"]} does not run its config'
        if run['Test'] in words:  # the command runs the test
            return
    assert model['Config'] in words, f'{where}: the command runs another ' \
        'config'


@pytest.mark.parametrize('path', METAFILES)
def test_results_come_from_weights_or_synthetic_runs(path):
    for model in _models(path):
        check_model(model)


def test_the_rule_rejects_paper_numbers():
    model = dict(
        Name='m',
        Config='configs/bmvit/bmvit_kinetics400-pretrained-mvit-small-nopool'
        '_8xb2-16x4x1-25e_ava22-rgb-256px.py',
        Results=[dict(Dataset='AVA v2.2', Task='t', Metrics={'mAP': 30.0})])
    with pytest.raises(AssertionError, match='Paper Results'):
        check_model(model)
    model['Synthetic Run'] = dict(Command='python tools/train.py ' +
                                  model['Config'])
    with pytest.raises(AssertionError, match='cannot give Results on AVA'):
        check_model(model)
    check_model(dict(model, Weights='https://example.org/bmvit.pth'))
    synthetic = dict(
        Name='s',
        Config='configs/bmvit/bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_'
        'synthetic-ava-rgb-96px.py',
        Results=[dict(Dataset='synthetic AVA', Task='t', Metrics={'m': 1})])
    synthetic['Synthetic Run'] = dict(
        Command='python tools/train.py ' +
        model['Config'].replace('nopool', 'pool'))
    with pytest.raises(AssertionError, match='runs another config'):
        check_model(synthetic)
    synthetic['Synthetic Run'] = dict(Command='python tools/nothing.py ' +
                                      synthetic['Config'])
    with pytest.raises(AssertionError, match='tools/nothing.py'):
        check_model(synthetic)
    synthetic['Synthetic Run'] = dict(
        Command='python tools/train.py ' + synthetic['Config'],
        Test='tests/conftest.py')
    with pytest.raises(AssertionError, match='does not run its config'):
        check_model(synthetic)
    synthetic['Synthetic Run']['Test'] = \
        'tests/models/detectors/test_bmvit_learns.py'
    check_model(synthetic)
