# W3 (stage 1: attention + feature refinement) on TSM-R18 trained from
# scratch on the synthetic temporal-order set (32x32 frames) on a CPU: the
# `make demo` TSM recipe with W3 added and 5 epochs. Generate the data with
#   python tools/data/synthetic/generate.py motion data/synthetic/motion
# The same recipe with W3 off: tsm_r18_1xb16-1x1x8-5e_synthetic-motion-rgb;
# stage 2 (MFR): w3-mfr_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.
_base_ = ['../synthetic/tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py']

model = dict(
    backbone=dict(
        type='ResNetTSMW3',
        attention_cfg=dict(type='W3Attention', reduction=16),
        with_afr=True))

max_epochs = 5
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.1,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=1e-5,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
default_hooks = dict(checkpoint=dict(interval=max_epochs, save_best=None))
