# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/gpu_check.py with ``--device cpu --tiny`` (the code path of
the CUDA run at tiny sizes), its failure handling and its goal logic."""
import importlib.util
import json
import os.path as osp
import sys

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ANALYSIS = osp.join(ROOT, 'tools', 'analysis')
KEYS = [
    'instblink', 'bmvit', 'datar', 'ast', 'tsm', 'w3', 'dualscope_feat',
    'dualscope_e2e'
]


def _load():
    sys.path.insert(0, ANALYSIS)
    try:
        spec = importlib.util.spec_from_file_location(
            'gpu_check', osp.join(ANALYSIS, 'gpu_check.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(ANALYSIS)
    return module


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    """One full ``--device cpu --tiny`` run (all models, op checks)."""
    out_dir = tmp_path_factory.mktemp('gpu_check')
    gpu_check = _load()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        rc = gpu_check.main(
            ['--device', 'cpu', '--tiny', '--out-dir',
             str(out_dir)])
    finally:
        torch.set_num_threads(threads)
    report = json.loads((out_dir / 'gpu_check.json').read_text())
    return rc, report, (out_dir / 'gpu_check.md').read_text()


def test_models_are_the_paper_configs():
    gpu_check = _load()
    specs = {m['key']: m for m in gpu_check.GPU_CHECK_MODELS}
    assert list(specs) == KEYS
    for spec in specs.values():
        assert osp.isfile(osp.join(ROOT, spec['config'])), spec['config']
    # Paper input sizes and per-GPU batches (the configs' NxbB).
    assert specs['instblink']['infer']['shape'] == (1, 36, 3, 360, 640)
    assert specs['instblink']['train']['batch'] == 4
    assert specs['bmvit']['train'] == dict(
        batch=2, shape=(1, 3, 16, 256, 256), frames=16)
    assert specs['datar']['train'] == specs['ast']['train'] == dict(
        batch=12, shape=(1, 1, 1, 128, 1024))
    assert specs['w3']['train'] == specs['tsm']['train']
    assert specs['w3']['train']['shape'] == (1, 8, 3, 224, 224)
    assert specs['dualscope_feat']['train']['batch'] == 32
    assert specs['dualscope_e2e']['train']['shape'] == (1, 1, 3, 16, 224, 224)
    for key in ('datar', 'ast', 'tsm', 'w3', 'bmvit', 'dualscope_e2e'):
        assert f"8xb{specs[key]['train']['batch']}" in specs[key][
            'config'] or f"1xb{specs[key]['train']['batch']}" in specs[key][
                'config'], key


def test_tiny_cpu_run(tiny_run):
    rc, report, md = tiny_run
    assert rc == 0, report['meta']['status']
    assert report['meta']['status'] == 'ok'
    assert report['meta']['gpu'] is False and report['meta']['tiny']
    assert [r['key'] for r in report['models']] == KEYS
    for r in report['models']:
        assert r['status'] == 'ok', r
        # CPU: the AMP switch of tools/train.py gives bf16 autocast.
        assert r['optim_wrapper'] == 'AutocastOptimWrapper'
        assert r['autocast_dtype'] == 'torch.bfloat16'
        train, infer = r['train'], r['infer']
        assert train['steps'] == 2  # 1 warm-up + 1 timed
        assert train['timed_steps'] == infer['timed_steps'] == 1
        assert train['loss_finite'] is True
        assert r['on_device'] is True
        for phase in (train, infer):
            assert phase['ms_per_step'] > 0
            assert phase['samples_per_s'] == pytest.approx(
                phase['batch'] * 1e3 / phase['ms_per_step'])
            assert phase['peak_mem_gib'] is None  # not measured on CPU
    by_key = {r['key']: r for r in report['models']}
    assert by_key['instblink']['infer']['frames_per_s'] == pytest.approx(
        4 * by_key['instblink']['infer']['samples_per_s'])
    assert 'frames_per_s' not in by_key['datar']['train']
    # BMViT matches once per step; InstBlink assigns the queries of all
    # iterations of its head at once, after computing the costs of each
    # iteration (2 in the tiny model, the paper's 4 in the full one).
    for key, probe, calls in (('bmvit', 'matcher', 1), ('instblink', 'matcher',
                                                        1),
                              ('instblink', 'matcher_cost', 2)):
        matcher = by_key[key]['train'][probe]
        assert matcher['calls_per_step'] == calls
        assert 0 < matcher['share_of_step'] < 1
    # Every goal has a measured value; none is judged on a CPU.
    assert len(report['goals']) == 6
    assert all(g['value'] is not None and g['met'] is None
               for g in report['goals'])
    ops = {o['op']: o for o in report['ops']}
    assert any(k.startswith('roi_align (7, 7)') for k in ops)
    assert all(o['ok'] in (True, None) for o in report['ops'])
    assert any(k.startswith('selective_scan') for k in ops)
    assert any(k.startswith('deformable attention') for k in ops)
    assert any(k.startswith('fbank') for k in ops)
    assert 'not GPU figures' in md
    assert md.count(' (tiny) | ok |') == len(KEYS)


def test_no_cuda_says_so_in_one_line(monkeypatch, capsys):
    gpu_check = _load()
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(SystemExit) as exc:
        gpu_check.main(['--out-dir', 'unused'])
    message = str(exc.value.code)
    assert 'CUDA is not available' in message and '\n' not in message
    assert '--device cpu' in message


def test_unknown_model_key(tmp_path):
    gpu_check = _load()
    with pytest.raises(SystemExit, match='unknown model key'):
        gpu_check.main(['--device', 'cpu', '--only', 'nope'])


def test_oom_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    """A model that runs out of memory (simulated after its build, while
    its training data are made) is reported with its name and peak memory;
    the next model still runs."""
    gpu_check = _load()
    make_inputs = gpu_check.make_inputs

    def oom_for_bmvit(cfg, spec, *args, **kwargs):
        if spec['key'] == 'bmvit':
            raise torch.OutOfMemoryError(
                'CUDA out of memory. Tried to allocate 20.00 GiB')
        return make_inputs(cfg, spec, *args, **kwargs)

    monkeypatch.setattr(gpu_check, 'make_inputs', oom_for_bmvit)
    rc = gpu_check.main([
        '--device', 'cpu', '--tiny', '--skip-ops', '--only', 'bmvit', 'ast',
        '--out-dir',
        str(tmp_path)
    ])
    report = json.loads((tmp_path / 'gpu_check.json').read_text())
    bmvit, ast = report['models']
    assert bmvit['key'] == 'bmvit' and bmvit['status'] == 'oom'
    assert 'Tried to allocate 20.00 GiB' in bmvit['error']
    assert 'peak_mem_gib' in bmvit
    assert ast['status'] == 'ok' and ast['train']['loss_finite']
    assert rc == 1 and 'bmvit: oom' in report['meta']['status']
    md = (tmp_path / 'gpu_check.md').read_text()
    assert '| BMViT MViT-S nopool (tiny) | oom (OutOfMemoryError' in md


def test_other_errors_are_reported(tmp_path, monkeypatch):
    gpu_check = _load()

    def broken(*args, **kwargs):
        raise RuntimeError('shape mismatch somewhere')

    monkeypatch.setattr(gpu_check, 'make_inputs', broken)
    rc = gpu_check.main([
        '--device', 'cpu', '--tiny', '--skip-ops', '--only', 'ast',
        '--out-dir',
        str(tmp_path)
    ])
    (ast, ) = json.loads((tmp_path / 'gpu_check.json').read_text())['models']
    assert rc == 1 and ast['status'] == 'error'
    assert 'shape mismatch somewhere' in ast['error']
    assert 'make_inputs' in ast['traceback'] or 'broken' in ast['traceback']


def test_time_limits(tmp_path, capsys):
    gpu_check = _load()
    # Past the run's limit: nothing starts, every model says why.
    rc = gpu_check.main([
        '--device', 'cpu', '--tiny', '--skip-ops', '--time-limit', '0',
        '--out-dir',
        str(tmp_path)
    ])
    report = json.loads((tmp_path / 'gpu_check.json').read_text())
    assert rc == 1
    assert [r['status'] for r in report['models']] == ['skipped'] * len(KEYS)
    assert all(r['reason'] == 'time limit reached' for r in report['models'])
    assert all(g['value'] is None for g in report['goals'])
    # Past a model's limit: one timed repeat, then the model is cut.
    rc = gpu_check.main([
        '--device', 'cpu', '--tiny', '--skip-ops', '--only', 'ast',
        '--repeats', '3', '--iters', '2', '--model-time-limit', '0.001',
        '--out-dir',
        str(tmp_path)
    ])
    (ast, ) = json.loads((tmp_path / 'gpu_check.json').read_text())['models']
    assert rc == 1 and ast['status'] == 'cut'
    assert ast['train']['timed_steps'] == ast['infer']['timed_steps'] == 2
    assert ast['train']['steps'] == 1 + 2
    assert '[ast] cut' in capsys.readouterr().out


def test_cuda_wrapper_path(tmp_path, monkeypatch):
    """The CUDA branch of the AMP switch (mmengine's AmpOptimWrapper with
    bf16 autocast and a dynamic loss scaler) trains through the same step;
    on a CPU-only machine its GradScaler disables itself."""
    import mmengine.optim.optimizer.amp_optimizer_wrapper as amp
    gpu_check = _load()
    monkeypatch.setattr(amp, 'is_cuda_available', lambda: True)
    load_config = gpu_check.load_config

    def cuda_config(spec, tiny, amp_dtype, device):
        cfg = load_config(spec, tiny, None, device)
        from mmvb.engine import apply_amp
        return apply_amp(cfg, dtype=amp_dtype, cuda=True)

    monkeypatch.setattr(gpu_check, 'load_config', cuda_config)
    with pytest.warns(UserWarning, match='CUDA is not available'):
        rc = gpu_check.main([
            '--device', 'cpu', '--tiny', '--skip-ops', '--only', 'ast',
            '--out-dir',
            str(tmp_path)
        ])
    (ast, ) = json.loads((tmp_path / 'gpu_check.json').read_text())['models']
    assert rc == 0
    assert ast['optim_wrapper'] == 'AmpOptimWrapper'
    assert ast['autocast_dtype'] == 'torch.bfloat16'
    assert ast['train']['loss_finite']


def test_timed_call_and_probe():
    gpu_check = _load()

    class Matcher:
        scale = 3

        def __call__(self, x):
            return x * self.scale

    class Head:
        matcher = Matcher()

    class Model:
        head = Head()

    model = Model()
    probe = gpu_check.install_probe(model, 'head.matcher', torch.device('cpu'))
    assert model.head.matcher is probe
    assert model.head.matcher(2) == 6 and model.head.matcher.scale == 3
    assert len(probe.times) == 1 and probe.times[0] >= 0


def test_goals():
    gpu_check = _load()

    def model(train=None, infer=None):
        return dict(train=train or {}, infer=infer or {})

    models = dict(
        instblink=model(infer=dict(frames_per_s=1200.0)),
        bmvit=model(train=dict(matcher=dict(share_of_step=0.08))),
        datar=model(
            train=dict(samples_per_s=30.0), infer=dict(samples_per_s=90.0)),
        ast=model(
            train=dict(samples_per_s=20.0), infer=dict(samples_per_s=100.0)),
        dualscope_feat=model(train=dict(samples_per_s=5000.0)),
        dualscope_e2e=model(train=dict(samples_per_s=40.0)),
        tsm=model(train=dict(ms_per_step=100.0)),
        w3=model(train=dict(ms_per_step=108.0)))
    goals = gpu_check.evaluate_goals(models, gpu=True)
    values = [g['value'] for g in goals]
    assert values == pytest.approx([1200, 0.08, 1.5, 0.9, 125, 1.08])
    assert [g['met'] for g in goals] == [True, False, True, False, True, True]
    # On a CPU the ratios are reported, never judged.
    assert all(g['met'] is None
               for g in gpu_check.evaluate_goals(models, gpu=False))
    # A missing figure (a model that did not run) gives no value.
    del models['ast']
    goals = gpu_check.evaluate_goals(models, gpu=True)
    assert goals[2]['value'] is None and goals[2]['met'] is None


def test_device_run_script():
    script = osp.join(ANALYSIS, 'gpu_check.sh')
    text = open(script).read()
    assert 'tools/analysis/gpu_check.py --out-dir "$out"' in text
    assert '--no-index --no-deps' in text and 'set -eo pipefail' in text
