# W3 (stage 1: attention + feature refinement) on TSM-R18 trained from
# scratch on the synthetic temporal-order set (32x32 frames) on a CPU.
# Generate the data with
#   python tools/data/synthetic/generate.py motion data/synthetic/motion
# The same recipe with W3 off: tsm_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic-motion_video.py'
]

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNetTSMW3',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False,
        num_segments=8,
        shift_div=8,
        attention_cfg=dict(type='W3Attention', reduction=16),
        with_afr=True),
    cls_head=dict(
        type='TSMHead',
        num_classes=6,
        in_channels=512,
        num_segments=8,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.0,
        init_std=0.01,
        is_shift=True,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[64.0, 64.0, 64.0],
        format_shape='NCHW'))

max_epochs = 5
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=1,
    val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
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

default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1, save_best=None))

# Trained on 1 CPU process with batch 16.
auto_scale_lr = dict(enable=False, base_batch_size=16)
