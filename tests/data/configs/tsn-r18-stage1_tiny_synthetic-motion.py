# A deliberately tiny recognizer for tool tests (train/test/resume/dist):
# ResNet-18 stem + stage 1 with frozen BN statistics (norm_eval) and no
# random augmentation or dropout, so runs with different world sizes and the
# same global batch follow the same loss curve.
# Data root from the environment: MMVB_DATA_ROOT=/path/to/motion.
_base_ = ['../../../configs/_base_/default_runtime.py']

data_root = '{{$MMVB_DATA_ROOT:data/synthetic/motion}}'
num_segments = 4

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNet',
        depth=18,
        pretrained=None,
        num_stages=1,
        strides=(1, ),
        dilations=(1, ),
        out_indices=(0, ),
        norm_eval=True),
    cls_head=dict(
        type='AutocastTSNHead',
        num_classes=6,
        in_channels=64,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.0,
        init_std=0.01,
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
        type='CheckedVideoDataset',
        ann_file=f'{data_root}/train_list_videos.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CheckedVideoDataset',
        ann_file=f'{data_root}/val_list_videos.txt',
        data_prefix=dict(video=data_root),
        pipeline=pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=True,
        begin=0,
        end=2,
        milestones=[1],
        gamma=0.1)
]
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=1, save_best=None))
randomness = dict(seed=0)
auto_scale_lr = dict(enable=False, base_batch_size=4)
