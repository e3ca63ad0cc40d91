# Copyright (c) mmvb contributors. All rights reserved.
import torch

import mmvb.apis.op_parity as op_parity


def test_all_checks_pass_on_cpu():
    results = op_parity.check_op_parity(torch.device('cpu'))
    ops = [r['op'] for r in results]
    assert sum(op.startswith('roi_align (') for op in ops) == 2
    assert sum(op.startswith('selective_scan') for op in ops) == 2
    assert any(op.startswith('deformable attention') for op in ops)
    assert any(op.startswith('fbank') for op in ops)
    for r in results:
        if r['op'] == 'roi_align vs torchvision':
            # torchvision never imports next to the CPU torch wheel.
            assert r['ok'] is None and 'torchvision' in r['note']
            continue
        assert r['ok'] is True, r
        assert 0 <= r['worst_err_over_tol'] < 1
    detail = next(r for r in results
                  if r['op'].startswith('selective_scan'))['detail']
    assert set(detail) == {
        'output', 'grad_u', 'grad_delta', 'grad_A', 'grad_B', 'grad_C'
    }


def test_a_wrong_float32_result_fails(monkeypatch):
    """The device run (float32) is compared with float64 CPU results, so a
    float32 path that is off by more than rounding fails."""
    roi_align = op_parity.roi_align_pytorch

    def off_in_float32(x, *args, **kwargs):
        out = roi_align(x, *args, **kwargs)
        return out + 1e-3 if x.dtype == torch.float32 else out

    monkeypatch.setattr(op_parity, 'roi_align_pytorch', off_in_float32)
    results = op_parity.check_roi_align(torch.device('cpu'))
    assert [r['ok'] for r in results] == [False, False]
    assert all(r['worst_err_over_tol'] > 1 for r in results)
    # Gradients are checked too: a wrong backward alone fails.
    scan = op_parity.selective_scan

    def wrong_grad(u, *args, **kwargs):
        out = scan(u, *args, **kwargs)
        return out + 1e-2 * (u - u.detach())  # same value, wrong grad

    monkeypatch.setattr(op_parity, 'selective_scan', wrong_grad)
    results = op_parity.check_selective_scan(torch.device('cpu'))
    for r in results:
        assert not r['ok']
        out = r['detail']['output']
        assert out['max_abs_err'] <= out['tol']
        assert r['detail']['grad_u']['max_abs_err'] > r['detail']['grad_u'][
            'tol']


def test_a_failing_check_is_reported(monkeypatch):

    def broken(device, seed):
        raise RuntimeError('no kernel for this device')

    monkeypatch.setitem(op_parity.OP_CHECKS, 'fbank', broken)
    results = op_parity.check_op_parity(torch.device('cpu'))
    assert results[-1] == dict(
        op='fbank',
        compared='error',
        ok=False,
        error='RuntimeError: no kernel for this device')
