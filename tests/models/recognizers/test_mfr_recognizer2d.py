# Copyright (c) mmvb contributors. All rights reserved.
"""MFR (stage 2): frozen teacher, feature-mimicking loss, checkpoints,
``init_weights`` and ``--resume`` with the standard tools/train.py."""
import copy
import os
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_motion_dataset
from mmvb.models import FeatureMimicLoss, MFRRecognizer2D

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CFG_DIR = osp.join(REPO, 'tests', 'data', 'configs')
STAGE1 = osp.join(CFG_DIR, 'w3_r18-tiny_synthetic-motion.py')
STAGE2 = osp.join(CFG_DIR, 'w3-mfr_r18-tiny_synthetic-motion.py')

pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def _model_cfg(path):
    return copy.deepcopy(Config.fromfile(path).model)


def _stage1_checkpoint(path, seed=0):
    torch.manual_seed(seed)
    model = MODELS.build(_model_cfg(STAGE1))
    model.init_weights()
    with torch.no_grad():  # make BN statistics distinctive
        for name, buf in model.backbone.named_buffers():
            if name.endswith('running_mean'):
                buf.uniform_(-0.1, 0.1)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return model


def _student(ckpt, **kwargs):
    cfg = _model_cfg(STAGE2)
    cfg.update(teacher_checkpoint=ckpt, **kwargs)
    torch.manual_seed(123)
    model = MODELS.build(cfg)
    assert isinstance(model, MFRRecognizer2D)
    return model


def _batch(n=2):
    inputs = torch.randn(n, 4, 3, 32, 32)
    samples = [ActionDataSample().set_gt_label(i % 6) for i in range(n)]
    return inputs, samples


def _assert_same_state(a, b):
    assert list(a) == list(b)
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0, msg=key)


def _backbone_state(state):
    return {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }


def test_teacher_loaded_by_init_weights_and_hidden(tmp_path):
    ckpt = str(tmp_path / 'stage1.pth')
    stage1 = _stage1_checkpoint(ckpt)
    model = _student(ckpt)
    assert not model._teacher_loaded
    model.init_weights()
    _assert_same_state(model.teacher.state_dict(),
                       _backbone_state(stage1.state_dict()))
    # the student has its own initialisation
    assert not torch.equal(model.backbone.conv1.conv.weight,
                           model.teacher.conv1.conv.weight)
    # invisible to state_dict, parameters, modules (optimizer, DDP, ckpts)
    assert list(model.state_dict()) == list(stage1.state_dict())
    teacher_ids = {id(p) for p in model.teacher.parameters()}
    assert not teacher_ids & {id(p) for p in model.parameters()}
    assert all(m is not model.teacher for m in model.modules())
    assert not any(p.requires_grad for p in model.teacher.parameters())
    # a stage-2 checkpoint loads into the stage-1 model and back
    stage1.load_state_dict(model.state_dict(), strict=True)


def test_teacher_frozen_through_training(tmp_path):
    ckpt = str(tmp_path / 'stage1.pth')
    stage1 = _stage1_checkpoint(ckpt)
    model = _student(ckpt)
    model.init_weights()
    model.train()
    assert not model.teacher.training
    assert not any(m.training for m in model.teacher.modules())
    optim_wrapper = build_optim_wrapper(
        model,
        dict(
            constructor='TSMOptimWrapperConstructor',
            paramwise_cfg=dict(fc_lr5=True),
            optimizer=dict(
                type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)))
    groups = optim_wrapper.optimizer.param_groups
    grouped = [id(p) for g in groups for p in g['params']]
    assert len(grouped) == len(set(grouped))
    assert set(grouped) == {id(p) for p in model.parameters()}
    # the classifier (not a teacher layer) is the fc_lr5 layer
    lr5 = [g for g in groups if g['lr'] == pytest.approx(0.5)][0]
    assert [id(p) for p in lr5['params']] == [id(model.cls_head.fc_cls.weight)]

    student_before = copy.deepcopy(model.backbone.state_dict())
    inputs, samples = _batch()
    for _ in range(2):
        log_vars = model.train_step(
            dict(inputs=list(inputs * 100 + 127), data_samples=samples),
            optim_wrapper)
        assert {'loss', 'loss_cls', 'loss_mfr'} <= set(log_vars)
    _assert_same_state(model.teacher.state_dict(),
                       _backbone_state(stage1.state_dict()))
    changed = [
        k for k, v in model.backbone.state_dict().items()
        if not torch.equal(v, student_before[k])
    ]
    assert any('attention' in k for k in changed)
    assert any(k.startswith('afr.') for k in changed)


def test_mfr_loss_value(tmp_path):
    ckpt = str(tmp_path / 'stage1.pth')
    _stage1_checkpoint(ckpt)
    model = _student(ckpt)
    model.init_weights()
    model.eval()
    inputs, samples = _batch()
    losses = model.loss(inputs, samples)
    frames = inputs.view(-1, 3, 32, 32)
    with torch.no_grad():
        student = model.backbone(frames)
        teacher = model.teacher(frames)
    expected = 0.01 * (student - teacher).flatten(1).norm(dim=1).mean()
    torch.testing.assert_close(losses['loss_mfr'], expected)
    assert losses['loss_mfr'] > 0
    # gradient flows to the student only
    losses['loss_mfr'].backward()
    assert model.backbone.afr.conv.weight.grad is not None
    assert all(p.grad is None for p in model.teacher.parameters())


def test_lazy_load_device_moves_and_predict(tmp_path):
    ckpt = str(tmp_path / 'stage1.pth')
    stage1 = _stage1_checkpoint(ckpt)
    model = _student(ckpt)
    inputs, samples = _batch()
    model.loss(inputs, samples)  # init_weights never called
    assert model._teacher_loaded
    _assert_same_state(model.teacher.state_dict(),
                       _backbone_state(stage1.state_dict()))
    model.to(torch.float64)
    assert model.teacher.conv1.conv.weight.dtype == torch.float64
    model.float()
    model.eval()
    out = model.predict(inputs, samples)
    assert out[0].pred_score.shape == (6, )


def test_teacher_errors(tmp_path):
    # a checkpoint of another architecture (TSM without W3)
    cfg = _model_cfg(STAGE1)
    cfg.backbone = dict(
        type='ResNetTSM',
        depth=18,
        num_segments=4,
        pretrained=None,
        pretrained2d=False)
    other = MODELS.build(cfg)
    path = str(tmp_path / 'tsm.pth')
    torch.save(dict(state_dict=other.state_dict()), path)
    with pytest.raises(RuntimeError, match='architecture'):
        _student(path).init_weights()
    path = str(tmp_path / 'head_only.pth')
    torch.save(dict(state_dict=other.cls_head.state_dict()), path)
    with pytest.raises(ValueError, match='backbone'):
        _student(path).init_weights()
    # no checkpoint: warning, random teacher, training still works
    model = _student(None)
    model.init_weights()
    assert 'loss_mfr' in model.loss(*_batch())
    with pytest.raises(ValueError, match='neck'):
        _student(None, neck=dict(type='TPN'))


def test_feature_mimic_loss():
    s = torch.randn(6, 3, 2, 2, requires_grad=True)
    t = torch.randn(6, 3, 2, 2, requires_grad=True)
    l2 = FeatureMimicLoss(loss_weight=2.0)(s, t)
    expected = 2.0 * torch.stack([(a - b).pow(2).sum().sqrt()
                                  for a, b in zip(s, t)]).mean()
    torch.testing.assert_close(l2, expected)
    mse = FeatureMimicLoss(mode='mse')(s, t)
    torch.testing.assert_close(mse, (s - t).pow(2).mean())
    # rms: Eq. 9 divided by sqrt(D), D = 3 * 2 * 2 elements per frame
    rms = FeatureMimicLoss(mode='rms', loss_weight=2.0)(s, t)
    torch.testing.assert_close(rms, l2 / 12**0.5)
    (l2 + mse + rms).backward()
    assert s.grad is not None and t.grad is None
    with pytest.raises(ValueError, match='shape'):
        FeatureMimicLoss()(s, t[:3])
    with pytest.raises(ValueError, match='mode'):
        FeatureMimicLoss(mode='l1')


def test_feature_mimic_loss_rms_hand_checked():
    """Frame 0 differs by 3 in every one of its 4 elements, frame 1 by 4 in
    one element: l2 norms 6 and 4, per-element RMS 3 and 2."""
    s = torch.zeros(2, 1, 2, 2)
    t = torch.zeros(2, 1, 2, 2)
    s[0] += 3.0
    s[1, 0, 0, 0] = 4.0
    assert FeatureMimicLoss(mode='l2')(s, t).item() == pytest.approx(5.0)
    assert FeatureMimicLoss(mode='rms')(s, t).item() == pytest.approx(2.5)
    # the same per-element difference gives the same rms loss at any size
    big_s, big_t = torch.full((2, 2048, 7, 7), 3.0), torch.zeros(2, 2048, 7, 7)
    small_s, small_t = torch.full((2, 512), 3.0), torch.zeros(2, 512)
    rms = FeatureMimicLoss(mode='rms')
    assert rms(big_s, big_t).item() == pytest.approx(3.0)
    assert rms(small_s, small_t).item() == pytest.approx(3.0)


# ----------------------------------------------------------------------
# Both stages with the standard tools/train.py, then --resume.
# ----------------------------------------------------------------------
@pytest.fixture(scope='module')
def motion_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('motion'))
    generate_motion_dataset(
        root, num_train=8, num_val=4, num_frames=8, progress=False)
    return root


@pytest.mark.slow
def test_two_stages_with_train_py_and_resume(tmp_path, motion_root, run_tool,
                                             tool_env):

    def _train(config, work_dir, data_root, *args):
        return run_tool(
            [osp.join('tools', 'train.py'), config, '--work-dir', work_dir] +
            list(args),
            env=tool_env(MMVB_DATA_ROOT=data_root))

    wd1, wd2 = str(tmp_path / 'stage1'), str(tmp_path / 'stage2')
    _train(STAGE1, wd1, motion_root)
    teacher_ckpt = osp.join(wd1, 'epoch_1.pth')
    stage1_state = torch.load(teacher_ckpt, map_location='cpu')['state_dict']

    _train(STAGE2, wd2, motion_root, '--cfg-options',
           f'model.teacher_checkpoint={teacher_ckpt}')
    epoch1 = torch.load(
        osp.join(wd2, 'epoch_1.pth'), map_location='cpu')['state_dict']
    # the student's checkpoint holds the student once, no teacher copy
    assert list(epoch1) == list(stage1_state)
    assert not any('teacher' in k for k in epoch1)

    # --resume (in-process, to inspect the teacher afterwards); epoch 1 is
    # not trained (or saved) again
    mtime = os.path.getmtime(osp.join(wd2, 'epoch_1.pth'))
    os.environ['MMVB_DATA_ROOT'] = motion_root
    try:
        cfg = Config.fromfile(STAGE2)
    finally:
        del os.environ['MMVB_DATA_ROOT']
    cfg.model.teacher_checkpoint = teacher_ckpt
    cfg.work_dir = wd2
    cfg.resume = True
    cfg.train_cfg.max_epochs = 2
    cfg.default_hooks.logger.interval = 100
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.epoch == 2
    assert os.path.getmtime(osp.join(wd2, 'epoch_1.pth')) == mtime
    model = runner.model
    _assert_same_state(model.teacher.state_dict(),
                       _backbone_state(stage1_state))
    epoch2 = torch.load(
        osp.join(wd2, 'epoch_2.pth'), map_location='cpu')['state_dict']
    assert list(epoch2) == list(stage1_state)
    assert not torch.equal(epoch2['backbone.afr.conv.weight'],
                           epoch1['backbone.afr.conv.weight'])
    # the stage-2 checkpoint tests with the stage-1 config
    cfg1 = Config.fromfile(STAGE1)
    stage1_model = MODELS.build(cfg1.model)
    stage1_model.load_state_dict(epoch2, strict=True)
