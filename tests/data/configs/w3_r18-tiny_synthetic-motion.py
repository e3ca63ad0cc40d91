# A small W3 recognizer (TSM-R18 + W3 + feature refinement, 4 frames) for
# tool tests: stage 1 of the two-stage (MFR) training. SGD with
# TSMOptimWrapperConstructor and fc_lr5, as in the paper configs.
# Data root from the environment: MMVB_DATA_ROOT=/path/to/motion.
_base_ = ['../../../configs/_base_/default_runtime.py']

data_root = '{{$MMVB_DATA_ROOT:data/synthetic/motion}}'
num_segments = 4

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNetTSMW3',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        num_segments=num_segments,
        attention_cfg=dict(type='W3Attention', reduction=16),
        with_afr=True),
    cls_head=dict(
        type='TSMHead',
        num_classes=6,
        in_channels=512,
        num_segments=num_segments,
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

pipeline = [
    dict(type='DecordInit'),
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=num_segments,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VideoDataset',
        ann_file=f'{data_root}/train_list_videos.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoDataset',
        ann_file=f'{data_root}/val_list_videos.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=0,
        end=4,
        milestones=[2],
        gamma=0.1)
]
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=1, save_best=None))
randomness = dict(seed=0)
auto_scale_lr = dict(enable=False, base_batch_size=4)
