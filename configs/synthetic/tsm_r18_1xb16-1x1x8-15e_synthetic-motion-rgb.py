# TSM-R18 trained from scratch on the synthetic temporal-order set (32x32
# frames) on a CPU in a few minutes; the `make demo` model.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic-motion_video.py'
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
        type='AutocastTSMHead',
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

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=15, val_begin=1, val_interval=5)
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
        T_max=15,
        eta_min=1e-5,
        by_epoch=True,
        begin=0,
        end=15)
]

default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_best='auto'))

# Trained on 1 CPU process with batch 16.
auto_scale_lr = dict(enable=False, base_batch_size=16)
