# Copyright (c) mmvb contributors. All rights reserved.
"""tools/train.py, tools/test.py, dist_train.sh, --resume, bad input.

All runs use the tiny config (ResNet-18 stem + stage 1, 4 frames of 32x32)
on a 16/8-clip synthetic set, so each run takes seconds.
"""
import importlib.util
import json
import os
import os.path as osp
import pickle
import sys

import pytest
import torch

import mmvb  # noqa: F401

TRAIN = 'tools/train.py'
TEST = 'tools/test.py'

# One pytest-xdist worker runs this module, so that the reference run of
# ``two_epoch_run`` (module scope) is trained once.
pytestmark = pytest.mark.xdist_group('train_test_tools')


def _ckpt(path):
    return torch.load(path, map_location='cpu', weights_only=True)


@pytest.fixture(scope='module')
def two_epoch_run(tmp_path_factory, motion_data, tiny_cfg, run_tool, tool_env):
    """The reference run: 2 epochs without interruption."""
    work = str(tmp_path_factory.mktemp('two_epochs'))
    run_tool([TRAIN, tiny_cfg, '--work-dir', work],
             env=tool_env(MMVB_DATA_ROOT=motion_data))
    return work


def test_train_then_test(two_epoch_run, motion_data, tiny_cfg, run_tool,
                         tool_env, tmp_path):
    for name in ('epoch_1.pth', 'epoch_2.pth', 'last_checkpoint'):
        assert osp.isfile(osp.join(two_epoch_run, name))
    ckpt = _ckpt(osp.join(two_epoch_run, 'epoch_2.pth'))
    assert ckpt['meta']['epoch'] == 2 and ckpt['meta']['iter'] == 8
    dump = str(tmp_path / 'preds.pkl')
    out = run_tool([
        TEST, tiny_cfg,
        osp.join(two_epoch_run, 'epoch_2.pth'), '--work-dir',
        str(tmp_path), '--dump', dump
    ],
                   env=tool_env(MMVB_DATA_ROOT=motion_data)).output
    assert 'acc/top1' in out
    summary = out[out.index('Test metrics: ') + 14:].splitlines()[0]
    assert 0.0 <= json.loads(summary)['acc/top1'] <= 1.0
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 8  # the 8 validation clips
    assert preds[0]['pred_score'].shape == (6, )


def test_resume_continues_exactly(two_epoch_run, motion_data, tiny_cfg,
                                  run_tool, tool_env, tmp_path):
    env = tool_env(MMVB_DATA_ROOT=motion_data)
    work = str(tmp_path)
    run_tool([
        TRAIN, tiny_cfg, '--work-dir', work, '--cfg-options',
        'train_cfg.max_epochs=1'
    ],
             env=env)
    assert not osp.exists(osp.join(work, 'epoch_2.pth'))
    out = run_tool([TRAIN, tiny_cfg, '--work-dir', work, '--resume'],
                   env=env).output
    assert 'resumed epoch: 1, iter: 4' in out
    # epoch 2 ran with the decayed lr (scheduler state restored)
    assert 'Epoch(train) [2][1/4]  lr: 1.0000e-04' in out
    resumed = _ckpt(osp.join(work, 'epoch_2.pth'))
    reference = _ckpt(osp.join(two_epoch_run, 'epoch_2.pth'))
    for key, value in reference['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    ref_state = reference['optimizer']['state']
    res_state = resumed['optimizer']['state']
    assert res_state[0]['step'] == ref_state[0]['step'] == 8
    for idx in ref_state:
        assert torch.equal(ref_state[idx]['exp_avg'],
                           res_state[idx]['exp_avg'])
    assert resumed['param_schedulers'] == reference['param_schedulers']


def test_resume_from_explicit_checkpoint(two_epoch_run, motion_data, tiny_cfg,
                                         run_tool, tool_env, tmp_path):
    out = run_tool([
        TRAIN, tiny_cfg, '--work-dir',
        str(tmp_path), '--resume',
        osp.join(two_epoch_run, 'epoch_1.pth')
    ],
                   env=tool_env(MMVB_DATA_ROOT=motion_data)).output
    assert 'resumed epoch: 1, iter: 4' in out
    missing = run_tool([
        TRAIN, tiny_cfg, '--work-dir',
        str(tmp_path), '--resume',
        str(tmp_path / 'nope.pth')
    ],
                       env=tool_env(MMVB_DATA_ROOT=motion_data),
                       check=False)
    assert missing.returncode != 0
    assert 'nope.pth does not exist' in missing.output


def test_mmaction_train_tool_trains_mmvb_configs(motion_data, tiny_cfg,
                                                 run_tool, tool_env, tmp_path):
    """MMAction2's own tools/train.py (shipped in its wheel) needs nothing
    but the config's ``custom_imports``."""
    mmaction_dir = osp.dirname(importlib.util.find_spec('mmaction').origin)
    tool = osp.join(mmaction_dir, '.mim', 'tools', 'train.py')
    assert osp.isfile(tool)
    run_tool([
        tool, tiny_cfg, '--work-dir',
        str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1'
    ],
             env=tool_env(MMVB_DATA_ROOT=motion_data))
    assert osp.isfile(tmp_path / 'epoch_1.pth')


def test_dist_train_matches_single_process(motion_data, tiny_cfg, run_tool,
                                           tool_env, tmp_path, free_port):
    """2 CPU processes (gloo) with batch 2 each follow the same loss curve
    as 1 process with batch 4: same samples per global batch (the
    DefaultSampler interleaves one permutation over ranks), DDP averages
    gradients, BN statistics are frozen and nothing is random.

    Tolerance: float32 reduction order differs, so losses agree to 1e-5
    relative and the final weights to 1e-5 absolute.
    """
    cfg = tmp_path / 'dist_cfg.py'
    cfg.write_text(f'_base_ = [{tiny_cfg!r}]\n'
                   "custom_imports = dict(imports=['mmvb', 'mmvb.testing'], "
                   'allow_failed_imports=False)\n'
                   "custom_hooks = [dict(type='LossRecorderHook')]\n")
    env = tool_env(
        MMVB_DATA_ROOT=motion_data, PORT=free_port, PYTHON=sys.executable)
    single, double = tmp_path / 'single', tmp_path / 'double'
    run_tool([
        TRAIN,
        str(cfg), '--work-dir',
        str(single), '--cfg-options', 'train_dataloader.batch_size=4'
    ],
             env=env)
    out = run_tool([
        'tools/dist_train.sh',
        str(cfg), '2', '--work-dir',
        str(double), '--cfg-options', 'train_dataloader.batch_size=2'
    ],
                   env=env).output
    assert 'gloo' in out

    def curve(work):
        with open(work / 'loss_curve.jsonl') as f:
            return [json.loads(line)['loss'] for line in f]

    one, two = curve(single), curve(double)
    assert len(one) == len(two) == 8
    assert one == pytest.approx(two, rel=1e-5)
    a = _ckpt(single / 'epoch_2.pth')['state_dict']
    b = _ckpt(double / 'epoch_2.pth')['state_dict']
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-5, rtol=0)


def test_amp_and_auto_scale_lr_on_cpu(motion_data, tiny_cfg, run_tool,
                                      tool_env, tmp_path):
    out = run_tool([
        TRAIN, tiny_cfg, '--work-dir',
        str(tmp_path), '--amp', '--auto-scale-lr', '--cfg-options',
        'train_cfg.max_epochs=1', 'auto_scale_lr.base_batch_size=8'
    ],
                   env=tool_env(MMVB_DATA_ROOT=motion_data)).output
    if not torch.cuda.is_available():
        assert "type='AutocastOptimWrapper'" in out
    # lr 1e-3 scaled by batch 4 / base 8
    assert 'lr: 5.0000e-04' in out
    assert osp.isfile(tmp_path / 'epoch_1.pth')


@pytest.mark.parametrize('case', ['unknown_type', 'missing_ann', 'bad_video'])
def test_bad_input_names_the_culprit(case, motion_data, tiny_cfg, run_tool,
                                     tool_env, tmp_path):
    opts = ['train_cfg.max_epochs=1']
    data_root = motion_data
    expected = None
    if case == 'unknown_type':
        opts.append('model.backbone.type=ResNetDoesNotExist')
        expected = 'ResNetDoesNotExist is not in the mmaction::model registry'
    elif case == 'missing_ann':
        data_root = str(tmp_path / 'no_such_dataset')
        expected = osp.join(data_root, 'train_list_videos.txt')
    else:
        # a copy of the data set whose first training video is garbage
        import shutil
        data_root = str(tmp_path / 'data')
        shutil.copytree(motion_data, data_root)
        with open(osp.join(data_root, 'train_list_videos.txt')) as f:
            lines = f.read().splitlines()
        bad = osp.join(data_root, lines[0].split()[0])
        with open(bad, 'wb') as f:
            f.write(b'this is not an mp4 file')
        with open(osp.join(data_root, 'train_list_videos.txt'), 'w') as f:
            f.write(lines[0] + '\n')
        expected = bad
    proc = run_tool(
        [
            TRAIN, tiny_cfg, '--work-dir',
            str(tmp_path / 'work'), '--cfg-options'
        ] + opts,
        env=tool_env(MMVB_DATA_ROOT=data_root),
        check=False)
    assert proc.returncode != 0
    assert expected in proc.output, proc.output[-3000:]
    assert os.path.basename(expected) in proc.output.splitlines()[-1] or \
        case == 'unknown_type'
