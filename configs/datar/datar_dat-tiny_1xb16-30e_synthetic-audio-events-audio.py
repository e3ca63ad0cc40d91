# A small DATAR (4-stage pyramid with local/shifted-window blocks early and
# deformable blocks late, learnable input adaptor) trained from scratch on
# the synthetic audio-event set (480 training clips) on a CPU in a few
# minutes. Asserted >= 90 % top-1 by
# tests/configs/test_datar_synthetic_learns.py.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic-audio-events_audio.py'
]

model = dict(
    type='RecognizerAudio',
    backbone=dict(
        type='DeformableAudioTransformer',
        arch=dict(
            embed_dims=[32, 64, 96, 128],
            depths=[1, 1, 2, 2],
            num_heads=[1, 2, 3, 4],
            num_groups=[1, 1, 1, 2]),
        input_size=(64, 96),
        window_size=4,
        stage_specs=['L', 'S', 'LD', 'LD'],
        offset_range=2.0,
        offset_kernel_size=5,
        drop_path_rate=0.0,
        input_adaptor=dict(type='LearnableInputAdaptor', lam=0.005)),
    cls_head=dict(
        type='AutocastTSNAudioHead',
        num_classes=6,
        in_channels=128,
        dropout_ratio=0.0,
        init_std=0.02,
        average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor'))

train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=30, val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    paramwise_cfg=dict(
        custom_keys=dict(
            rpe_table=dict(decay_mult=0.0),
            relative_position_bias_table=dict(decay_mult=0.0))),
    clip_grad=dict(max_norm=5.0, norm_type=2))
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
        T_max=30,
        eta_min=1e-5,
        by_epoch=True,
        begin=0,
        end=30)
]

default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=5, max_keep_ckpts=1, save_best='auto'))

# Trained on 1 CPU process with batch 16.
auto_scale_lr = dict(enable=False, base_batch_size=16)
