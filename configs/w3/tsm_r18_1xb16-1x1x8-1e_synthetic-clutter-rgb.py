# TSM-R18 from scratch on the synthetic where/when set (a small target
# moving among moving distractors in clutter, 32x32): the baseline of
# w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py. One epoch of the
# default 2400 clips (150 iterations of 16), AdamW, CPU.
# tools/analysis/w3_vs_tsm_synthetic.py compares the two (configs/w3/README).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic-clutter_video.py'
]

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNetTSM',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False,
        num_segments=8,
        shift_div=8),
    cls_head=dict(
        type='TSMHead',
        num_classes=4,
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

max_epochs = 1
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=15),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0,
        by_epoch=True,
        begin=0,
        end=max_epochs,
        convert_to_iter_based=True)
]

default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=1, max_keep_ckpts=1, save_best=None))

# Trained on 1 CPU process with batch 16.
auto_scale_lr = dict(enable=False, base_batch_size=16)
