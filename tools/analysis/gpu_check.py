# Copyright (c) mmvb contributors. All rights reserved.
"""One prepared CUDA run for every method: training and inference speed,
memory and device placement, and mmvb's pure-PyTorch ops on the device.

For each model of ``gpu_check_models.py`` (each method's main paper config
at the paper's input size and per-GPU batch) the check

1. builds the model from its config (random weights, no download) and the
   optimizer wrapper from its ``optim_wrapper`` with the ``--amp`` switch of
   ``tools/train.py`` applied (:func:`mmvb.engine.apply_amp`; on CUDA
   mmengine's ``AmpOptimWrapper``), autocast dtype ``--amp-dtype``
   (bfloat16 by default: ``tools/train.py --amp --cfg-options
   optim_wrapper.dtype=bfloat16``);
2. runs ``--warmup`` + ``--repeats`` x ``--iters`` real training steps
   (``model.train_step``: data preprocessor, loss, backward, clipping and
   optimizer step through the wrapper) on synthetic data of the right
   shapes (random uint8 frames or float tensors, ground truth from
   :func:`mmvb.testing.demo_inputs`), already on the device;
3. runs inference the same way (``model.test_step`` under autocast: data
   preprocessor and ``predict``, post-processing included);
4. reports ms/step (median repeat), samples/s and frames/s, peak memory of
   each phase, whether every loss was finite, whether every parameter,
   buffer and optimizer state is still on the device, and the time of the
   ``probes`` (e.g. BMViT's Hungarian matching) inside the training step.

Then it reports the goals of issue 12 (InstBlink inference frames/s,
BMViT's matching share of the step, DATAR-B vs AST-B throughput, DualScope
cached-feature vs end-to-end clips/s, W3 vs TSM step time) as measured
ratios. Before the models it checks mmvb's ops on the device against
float64 CPU results (:mod:`mmvb.apis.op_parity`).

Results are printed as they come (flushed after each model) and written to
``--out-dir`` (``gpu_check.json``, ``gpu_check.md``) after each model, so a
run cut short still leaves what it measured. A model that runs out of
memory is reported with its peak memory and the run goes on; past
``--time-limit`` the remaining models are skipped and listed as such.

Examples::

    # on a CUDA machine (see tools/analysis/gpu_check.sh for the device run)
    python tools/analysis/gpu_check.py --out-dir work_dirs/gpu_check
    # the same code path on the CPU, tiny widths and shapes (CI)
    python tools/analysis/gpu_check.py --device cpu --tiny
"""
import time

_START = time.monotonic()  # noqa: E402  (the time limit counts imports)

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import os.path as osp  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from contextlib import nullcontext  # noqa: E402
from typing import Dict, List, Optional  # noqa: E402

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from gpu_check_models import GPU_CHECK_MODELS  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
AMP_DTYPES = dict(bf16='bfloat16', fp16='float16', fp32=None)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train/inference check of every method on one device')
    parser.add_argument(
        '--device', default='cuda', help='cuda[:i] (default) or cpu')
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='tiny widths and shapes (same configs and code path; for CPU)')
    parser.add_argument(
        '--only',
        nargs='+',
        metavar='KEY',
        help='run only these models (keys: ' +
        ', '.join(m['key'] for m in GPU_CHECK_MODELS) + ')')
    parser.add_argument(
        '--amp-dtype',
        default='bf16',
        choices=sorted(AMP_DTYPES),
        help='autocast dtype of the AMP wrapper (fp32: no AMP)')
    parser.add_argument(
        '--warmup', type=int, help='untimed steps (default 3, tiny 1)')
    parser.add_argument(
        '--repeats', type=int, help='timed repeats (default 4, tiny 1)')
    parser.add_argument(
        '--iters', type=int, help='steps per repeat (default 5, tiny 1)')
    parser.add_argument(
        '--time-limit',
        type=float,
        default=420.0,
        help='seconds from start after which no model starts and no timed '
        'repeat begins (default 420)')
    parser.add_argument(
        '--model-time-limit',
        type=float,
        default=75.0,
        help='seconds per model after which no timed repeat begins '
        '(default 75)')
    parser.add_argument(
        '--skip-ops', action='store_true', help='skip the op parity checks')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--log-level',
        default='ERROR',
        help="mmengine's log level while building (default ERROR: the "
        'optimizer constructors log one line per parameter)')
    parser.add_argument(
        '--out-dir',
        default='work_dirs/gpu_check',
        help='where gpu_check.json and gpu_check.md go')
    args = parser.parse_args(argv)
    defaults = (1, 1, 1) if args.tiny else (3, 4, 5)
    for name, default in zip(('warmup', 'repeats', 'iters'), defaults):
        if getattr(args, name) is None:
            setattr(args, name, default)
    return args


def check_device(device: str) -> torch.device:
    """The device, or SystemExit with one line when CUDA is asked for and
    absent."""
    device = torch.device(device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        raise SystemExit(
            f'gpu_check: CUDA is not available on this machine (torch '
            f'{torch.__version__}, CUDA build: {torch.version.cuda}); use '
            '--device cpu --tiny for the CPU check')
    if device.type == 'cuda' and device.index is None:
        device = torch.device('cuda', torch.cuda.current_device())
    return device


class TimedCall:
    """Wrap a callable: synchronise the device before and after each call
    and record its seconds in ``times``; other attributes pass through."""

    def __init__(self, fn, device: torch.device) -> None:
        self._fn = fn
        self._device = device
        self.times: List[float] = []

    def __call__(self, *args, **kwargs):
        from mmvb.apis.benchmark import synchronize
        synchronize(self._device)
        start = time.perf_counter()
        out = self._fn(*args, **kwargs)
        synchronize(self._device)
        self.times.append(time.perf_counter() - start)
        return out

    def __getattr__(self, name):
        return getattr(self._fn, name)


def install_probe(model, path: str, device: torch.device) -> TimedCall:
    """Replace the callable at ``model.<path>`` with a :class:`TimedCall`."""
    *parents, leaf = path.split('.')
    owner = model
    for name in parents:
        owner = getattr(owner, name)
    probe = TimedCall(getattr(owner, leaf), device)
    object.__setattr__(owner, leaf, probe)
    return probe


def load_config(spec: Dict, tiny: bool, amp_dtype: Optional[str],
                device: torch.device) -> Config:
    """The spec's config with the tiny overrides (``--tiny``) and the AMP
    switch of ``tools/train.py`` applied."""
    from mmvb.engine import apply_amp
    cfg = Config.fromfile(osp.join(REPO, spec['config']))
    if tiny:
        cfg.merge_from_dict(spec['tiny']['cfg_options'])
    if amp_dtype is not None:
        apply_amp(cfg, dtype=amp_dtype, cuda=device.type == 'cuda')
    return cfg


def make_inputs(cfg: Config, spec: Dict, phase: Dict, device: torch.device,
                seed: int):
    """Synthetic ``(inputs, data_samples)`` of one phase, on ``device``."""
    from mmvb.testing import demo_inputs
    torch.manual_seed(seed)
    inputs, samples = demo_inputs(cfg.model, phase['batch'], phase['shape'])
    if spec['inputs'] == 'frames':
        inputs = torch.randint(0, 256, inputs.shape, dtype=torch.uint8)
    return inputs.to(device), [s.to(device) for s in samples]


def batch_dict(inputs: torch.Tensor, samples: list) -> Dict:
    """A data-loader batch: one input tensor per sample (a new dict per
    step: the data preprocessor replaces its entries)."""
    return dict(inputs=list(inputs.unbind(0)), data_samples=list(samples))


def off_device(model, optim_wrapper, device: torch.device) -> List[str]:
    """Names of parameters, buffers and optimizer states not on
    ``device``."""
    bad = [
        f'{kind} {name} ({t.device})'
        for kind, items in (('param', model.named_parameters()),
                            ('buffer', model.named_buffers()))
        for name, t in items if t.device != device
    ]
    if optim_wrapper is not None:
        for i, state in enumerate(optim_wrapper.optimizer.state.values()):
            for key, value in state.items():
                if torch.is_tensor(value) and value.dim() > 0 and \
                        value.device != device:
                    bad.append(f'optimizer state {i}.{key} ({value.device})')
    return bad


def _phase_result(phase: Dict, times: List[float], device) -> Dict:
    from mmvb.apis.benchmark import peak_memory_gib
    median = statistics.median(times)
    out = dict(
        batch=phase['batch'],
        shape=[phase['batch']] + list(phase['shape'][1:]),
        timed_steps=None,
        ms_per_step=median * 1e3,
        samples_per_s=phase['batch'] / median,
        repeats_ms=[t * 1e3 for t in times],
        peak_mem_gib=peak_memory_gib(device))
    if phase.get('frames'):
        out['frames_per_s'] = out['samples_per_s'] * phase['frames']
    return out


def run_model(spec: Dict, args, device: torch.device, deadline: float) -> Dict:
    """Build, train and run inference of one model; see the module
    docstring. Raises what the model raises (the caller reports it)."""
    from mmengine.optim import build_optim_wrapper

    from mmvb.apis import build_model_from_cfg, count_parameters
    from mmvb.apis.benchmark import reset_peak_memory, time_steps
    result = dict(status='running')
    train_phase = spec['tiny']['train'] if args.tiny else spec['train']
    infer_phase = spec['tiny']['infer'] if args.tiny else spec['infer']
    model_deadline = min(deadline, time.monotonic() + args.model_time_limit)
    start = time.monotonic()
    cfg = load_config(spec, args.tiny, AMP_DTYPES[args.amp_dtype], device)
    torch.backends.cudnn.benchmark = bool(
        cfg.get('env_cfg', {}).get('cudnn_benchmark', False))
    reset_peak_memory(device)
    model = build_model_from_cfg(cfg, device=str(device))
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    result.update(
        optim_wrapper=type(optim_wrapper).__name__,
        autocast_dtype=str(getattr(optim_wrapper, 'cast_dtype', None)),
        params_m=count_parameters(model) / 1e6,
        build_s=time.monotonic() - start)
    probes = {
        label: install_probe(model, path, device)
        for label, path in spec.get('probes', {}).items()
    }

    # Training.
    inputs, samples = make_inputs(cfg, spec, train_phase, device, args.seed)
    losses = []

    def train_step():
        log_vars = model.train_step(batch_dict(inputs, samples), optim_wrapper)
        losses.append(log_vars['loss'].detach())

    model.train()
    reset_peak_memory(device)
    train_deadline = model_deadline - 0.25 * args.model_time_limit
    times = time_steps(train_step, device, args.warmup, args.repeats,
                       args.iters, time.perf_counter, train_deadline)
    train = _phase_result(train_phase, times, device)
    train['timed_steps'] = len(times) * args.iters
    train['steps'] = len(losses)
    loss_values = torch.stack(losses).float().cpu()
    train['loss_finite'] = bool(torch.isfinite(loss_values).all())
    train['loss_first'] = float(loss_values[0])
    train['loss_last'] = float(loss_values[-1])
    for label, probe in probes.items():
        calls_per_step = len(probe.times) / max(len(losses), 1)
        per_call = statistics.median(probe.times) if probe.times else 0.0
        per_step = per_call * calls_per_step * 1e3
        train[label] = dict(
            calls_per_step=calls_per_step,
            ms_per_call=per_call * 1e3,
            ms_per_step=per_step,
            share_of_step=per_step / train['ms_per_step'])
    result['train'] = train
    del inputs, samples

    # Inference.
    inputs, samples = make_inputs(cfg, spec, infer_phase, device,
                                  args.seed + 1)
    cast = AMP_DTYPES[args.amp_dtype]
    autocast = torch.autocast(device.type, dtype=getattr(torch, cast)) \
        if cast else nullcontext()

    def infer_step():
        with torch.no_grad(), autocast:
            model.test_step(batch_dict(inputs, samples))

    model.eval()
    reset_peak_memory(device)
    warmup = max(args.warmup - 1, 1)
    times = time_steps(infer_step, device, warmup, args.repeats, args.iters,
                       time.perf_counter, model_deadline)
    infer = _phase_result(infer_phase, times, device)
    infer['timed_steps'] = len(times) * args.iters
    result['infer'] = infer

    bad = off_device(model, optim_wrapper, device)
    result['on_device'] = not bad
    if bad:
        result['off_device'] = bad[:20]
    full = (
        train['timed_steps'] == args.repeats * args.iters
        and infer['timed_steps'] == args.repeats * args.iters)
    result['status'] = 'ok' if full else 'cut'
    result['total_s'] = time.monotonic() - start
    return result


def _is_oom(exc: BaseException) -> bool:
    oom = getattr(torch, 'OutOfMemoryError', None) or getattr(
        torch.cuda, 'OutOfMemoryError', ())
    return isinstance(exc, oom) or 'out of memory' in str(exc).lower()


def check_model(spec: Dict, args, device: torch.device,
                deadline: float) -> Dict:
    """:func:`run_model` with the failures reported instead of raised."""
    from mmvb.apis.benchmark import peak_memory_gib
    base = dict(key=spec['key'], name=spec['name'], config=spec['config'])
    if time.monotonic() > deadline:
        return dict(base, status='skipped', reason='time limit reached')
    try:
        result = run_model(spec, args, device, deadline)
    except Exception as e:
        peak = peak_memory_gib(device)
        if _is_oom(e):
            result = dict(
                status='oom',
                error=f'{type(e).__name__}: {str(e).splitlines()[0][:300]}',
                peak_mem_gib=peak)
        else:
            result = dict(
                status='error',
                error=f'{type(e).__name__}: {e}',
                traceback=traceback.format_exc(limit=-8),
                peak_mem_gib=peak)
    finally:
        gc.collect()
        if device.type == 'cuda':
            torch.cuda.empty_cache()
    return dict(base, **result)


def evaluate_goals(models: Dict[str, Dict], gpu: bool) -> List[Dict]:
    """The speed goals of issue 12 as measured ratios (``met`` is None when
    a figure is missing, and on the CPU, where they do not apply)."""

    def get(key, phase, field):
        r = models.get(key) or {}
        return (r.get(phase) or {}).get(field)

    def ratio(a, b):
        return a / b if a is not None and b else None

    matcher = (get('bmvit', 'train', 'matcher') or {}).get('share_of_step')
    goals = [
        ('InstBlink R50 inference frames/s (36-frame clip)',
         get('instblink', 'infer', 'frames_per_s'), '>=', 1000.0),
        ("BMViT Hungarian matching's share of the training step", matcher,
         '<=', 0.05),
        ('DATAR-B / AST-B training samples/s (equal batch)',
         ratio(
             get('datar', 'train', 'samples_per_s'),
             get('ast', 'train', 'samples_per_s')), '>=', 1.0),
        ('DATAR-B / AST-B inference samples/s (equal batch)',
         ratio(
             get('datar', 'infer', 'samples_per_s'),
             get('ast', 'infer', 'samples_per_s')), '>=', 1.0),
        ('DualScope cached-feature / end-to-end training clips/s',
         ratio(
             get('dualscope_feat', 'train', 'samples_per_s'),
             get('dualscope_e2e', 'train', 'samples_per_s')), '>=', 100.0),
        ('W3 / TSM training ms/step',
         ratio(
             get('w3', 'train', 'ms_per_step'),
             get('tsm', 'train', 'ms_per_step')), '<=', 1.10),
    ]
    out = []
    for name, value, op, target in goals:
        met = None
        if value is not None and gpu:
            met = value >= target if op == '>=' else value <= target
        out.append(dict(goal=name, value=value, op=op, target=target, met=met))
    return out


def _fmt(value, spec='.1f', none='-'):
    return none if value is None else format(value, spec)


def markdown(report: Dict) -> str:
    """The report as Markdown tables."""
    meta = report['meta']
    lines = [
        f"# gpu_check: {meta['device_name']} ({meta['device']}), "
        f"{meta['amp_dtype']} AMP{' (tiny)' if meta['tiny'] else ''}", '',
        f"torch {meta['torch']}, CUDA {meta['cuda']}, "
        f"{meta['timed_steps']} timed steps per phase after "
        f"{meta['warmup']} warm-up; elapsed {meta['elapsed_s']:.0f} s; "
        f"status: {meta['status']}", ''
    ]
    if not meta['gpu']:
        lines += [
            '**CPU run: these are not GPU figures; the goals are not '
            'evaluated.**', ''
        ]
    lines += [
        '| model | status | batch (train / infer) | train ms/step | train '
        'samples/s | train frames/s | train peak GiB | infer ms/step | '
        'infer samples/s | infer frames/s | infer peak GiB | loss finite | '
        'on device | wrapper |', '|' + ' --- |' * 14
    ]
    for r in report['models']:
        t, i = r.get('train') or {}, r.get('infer') or {}
        status = r['status']
        if r.get('error'):
            status += f" ({r['error'].splitlines()[0][:80]})"
        if r.get('reason'):
            status += f" ({r['reason']})"
        if status.startswith('oom'):
            status += f", peak {_fmt(r.get('peak_mem_gib'), '.2f')} GiB"
        name = r['name'] + (' (tiny)' if meta['tiny'] else '')
        lines.append(' | '.join([
            f'| {name}', status,
            f"{t.get('batch', '-')} / {i.get('batch', '-')}",
            _fmt(t.get('ms_per_step')),
            _fmt(t.get('samples_per_s'), '.2f'),
            _fmt(t.get('frames_per_s')),
            _fmt(t.get('peak_mem_gib'), '.2f', 'n/a'),
            _fmt(i.get('ms_per_step')),
            _fmt(i.get('samples_per_s'), '.2f'),
            _fmt(i.get('frames_per_s')),
            _fmt(i.get('peak_mem_gib'), '.2f', 'n/a'),
            str(t.get('loss_finite', '-')),
            str(r.get('on_device', '-')),
            r.get('optim_wrapper', '-') + ' |'
        ]))
    probes = [(r['name'], label, v) for r in report['models']
              for label, v in (r.get('train') or {}).items()
              if isinstance(v, dict) and 'share_of_step' in v]
    if probes:
        lines += [
            '', '| model | timed in the training step | ms/step | share |',
            '| --- | --- | --- | --- |'
        ]
        lines += [
            f'| {name} | {label} | {v["ms_per_step"]:.2f} | '
            f'{100 * v["share_of_step"]:.1f} % |' for name, label, v in probes
        ]
    lines += [
        '', '| goal | measured | target | met |', '| --- | --- | --- |'
        ' --- |'
    ]
    for g in report['goals']:
        met = {True: 'yes', False: 'no', None: 'n/a'}[g['met']]
        lines.append(f"| {g['goal']} | {_fmt(g['value'], '.3g')} | "
                     f"{g['op']} {g['target']:g} | {met} |")
    if report['ops']:
        lines += [
            '', '| op check | compared | result | worst error / tolerance |',
            '| --- | --- | --- | --- |'
        ]
        for o in report['ops']:
            res = {True: 'ok', False: 'FAIL', None: 'skipped'}[o['ok']]
            note = o.get('note') or o.get('error') or ''
            res = f'{res} ({note})' if note else res
            lines.append(f"| {o['op']} | {o['compared']} | {res} | "
                         f"{_fmt(o.get('worst_err_over_tol'), '.3g')} |")
    return '\n'.join(lines) + '\n'


def _print_model(r: Dict) -> None:
    t, i = r.get('train') or {}, r.get('infer') or {}
    line = f"[{r['key']}] {r['status']}"
    if t:
        line += (f"  train {t['ms_per_step']:.1f} ms/step "
                 f"{t['samples_per_s']:.2f} samples/s"
                 f"{' (loss finite)' if t['loss_finite'] else ' LOSS NaN'}")
        if t.get('peak_mem_gib') is not None:
            line += f" peak {t['peak_mem_gib']:.2f} GiB"
    if i:
        line += f"  infer {i['ms_per_step']:.1f} ms/step"
        if i.get('frames_per_s'):
            line += f" {i['frames_per_s']:.0f} frames/s"
    if 'on_device' in r:
        line += '  on device' if r['on_device'] else '  OFF DEVICE'
    if r.get('error'):
        line += f"  {r['error'].splitlines()[0][:200]}"
    if r.get('reason'):
        line += f"  ({r['reason']})"
    print(line, flush=True)


def write_report(report: Dict, out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'gpu_check.json'), 'w') as f:
        json.dump(report, f, indent=1)
    with open(osp.join(out_dir, 'gpu_check.md'), 'w') as f:
        f.write(markdown(report))


def overall_status(report: Dict) -> str:
    """``'ok'``, or what went wrong."""
    problems = []
    for r in report['models']:
        if r['status'] != 'ok':
            problems.append(f"{r['key']}: {r['status']}")
        elif not (r['train']['loss_finite'] and r['on_device']):
            problems.append(f"{r['key']}: check failed")
    problems += [
        f"op {o['op']}: failed" for o in report['ops'] if o['ok'] is False
    ]
    return 'ok' if not problems else '; '.join(problems)


def main(argv=None) -> int:
    args = parse_args(argv)
    device = check_device(args.device)
    from mmengine.logging import MMLogger

    import mmvb  # noqa: F401
    MMLogger.get_instance(
        f'gpu_check_{time.time_ns()}', log_level=args.log_level.upper())
    from mmvb.apis.benchmark import device_name
    deadline = _START + args.time_limit
    specs = GPU_CHECK_MODELS
    if args.only:
        known = {m['key'] for m in specs}
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise SystemExit(f'gpu_check: unknown model key(s) {unknown}; '
                             f'known: {sorted(known)}')
        specs = [m for m in specs if m['key'] in args.only]
    report = dict(
        meta=dict(
            device=str(device),
            device_name=device_name(device),
            gpu=device.type == 'cuda',
            tiny=args.tiny,
            amp_dtype=args.amp_dtype,
            torch=torch.__version__,
            cuda=torch.version.cuda,
            warmup=args.warmup,
            timed_steps=args.repeats * args.iters,
            time_limit_s=args.time_limit,
            status='running',
            elapsed_s=0.0),
        ops=[],
        models=[],
        goals=[])
    print(
        f'gpu_check on {report["meta"]["device_name"]} ({device}), '
        f'AMP {args.amp_dtype}, {"tiny" if args.tiny else "paper"} sizes, '
        f'{len(specs)} models, time limit {args.time_limit:.0f} s',
        flush=True)
    if not args.skip_ops:
        from mmvb.apis.op_parity import check_op_parity
        report['ops'] = check_op_parity(device, args.seed)
        for o in report['ops']:
            res = {True: 'ok', False: 'FAIL', None: 'skipped'}[o['ok']]
            print(
                f"[op] {o['op']}: {res} ({o['compared']}"
                f"{', ' + o['note'] if o.get('note') else ''}"
                f"{', ' + o['error'] if o.get('error') else ''})",
                flush=True)
    for spec in specs:
        result = check_model(spec, args, device, deadline)
        report['models'].append(result)
        _print_model(result)
        report['goals'] = evaluate_goals(
            {r['key']: r
             for r in report['models']}, device.type == 'cuda')
        report['meta']['elapsed_s'] = time.monotonic() - _START
        write_report(report, args.out_dir)
    report['meta']['status'] = overall_status(report)
    report['meta']['elapsed_s'] = time.monotonic() - _START
    write_report(report, args.out_dir)
    print(markdown(report), flush=True)
    print(f'written: {osp.join(args.out_dir, "gpu_check.json")}, '
          f'{osp.join(args.out_dir, "gpu_check.md")}')
    return 0 if report['meta']['status'] == 'ok' else 1


if __name__ == '__main__':
    sys.exit(main())
