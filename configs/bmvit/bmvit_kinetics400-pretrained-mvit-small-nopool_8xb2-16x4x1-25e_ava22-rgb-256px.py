# BMViT main setting (Table 1, Table 2a last row, Table 3): MViTv2-S from
# Kinetics-400 with the pooling after scale4 removed, 16x4 clips resized to
# 256x256 (output 8x16x16 tokens), 2(C+T) token selection (512 token pairs),
# Hungarian matching, AVA 2.2, evaluated on the 60 classes of the ActivityNet
# 2019 label map. Paper: 30.0 mAP, 121.2 GFLOPs.
_base_ = ['../_base_/default_runtime.py']

# Kinetics-400 MViTv2-S 16x4 of MMAction2 (converted from SlowFast).
k400_checkpoint = (
    'https://download.openmmlab.com/mmaction/v1.0/recognition/mvit/'
    'converted/mvit-small-p244_16x4x1_kinetics400-rgb_20221021-9ebaaeed.pth')

model = dict(
    type='BMViTLocalizer',
    backbone=dict(
        type='BMViTBackbone',
        arch='small',
        # construction size of the Kinetics-400 weights (relative-position
        # tables); 256x256 inputs are handled by MViT's interpolation
        spatial_size=224,
        temporal_size=16,
        remove_last_pool=True,
        drop_path_rate=0.2,  # MMAction2's MViT-S default; not in the paper
        init_cfg=dict(
            type='Pretrained', checkpoint=k400_checkpoint,
            prefix='backbone.')),
    head=dict(
        type='BMViTHead',
        num_classes=81,  # the 80 AVA actions + background column 0
        in_channels=768,
        embed_dims=512,
        token_selection='2(C+T)',
        box_bias='corner',
        matcher=dict(
            type='HungarianMatcher',
            costs=[
                dict(type='BoxL1MatchCost', weight=5.0),
                dict(type='GIoUMatchCost', weight=2.0, box_format='cxcywh'),
                dict(type='ActorMatchCost', weight=2.0),
                dict(type='MultiLabelMatchCost', weight=6.0, mode='nll_sum')
            ]),
        # Eq. 4: lambda_L1 = 5, lambda_iou = 2, lambda_alpha = 2, lambda_a = 6
        loss_bbox=dict(type='L1Loss', loss_weight=5.0),
        loss_giou=dict(type='GIoULoss', loss_weight=2.0),
        loss_actor=dict(
            type='CrossEntropyLoss', loss_weight=2.0, class_weight=[0.1, 1.0]),
        loss_cls=dict(type='BCELossWithLogits', loss_weight=6.0),
        actor_thr=0.2),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[114.75, 114.75, 114.75],
        std=[57.375, 57.375, 57.375],
        format_shape='NCTHW'))

dataset_type = 'CheckedAVADataset'  # AVADataset + row checks
data_root = 'data/ava/rawframes'
anno_root = 'data/ava/annotations'
ann_file_train = f'{anno_root}/ava_train_v2.2.csv'
ann_file_val = f'{anno_root}/ava_val_v2.2.csv'
exclude_file_train = f'{anno_root}/ava_train_excluded_timestamps_v2.2.csv'
exclude_file_val = f'{anno_root}/ava_val_excluded_timestamps_v2.2.csv'
# the 60 evaluated classes
label_file = f'{anno_root}/ava_action_list_v2.2_for_activitynet_2019.pbtxt'

input_size = 256
train_pipeline = [
    dict(type='SampleAVAFrames', clip_len=16, frame_interval=4),
    dict(type='RawFrameDecode'),
    # "we resize the videos to 256 pixels without cropping"
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='GTBoxJitter', ratio=0.05),
    dict(
        type='HueSafeColorJitter',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        hue=0.05),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(
        type='SampleAVAFrames', clip_len=16, frame_interval=4, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=2,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        exclude_file=exclude_file_train,
        label_file=label_file,
        pipeline=train_pipeline,
        data_prefix=dict(img=data_root)))
val_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        exclude_file=exclude_file_val,
        label_file=label_file,
        pipeline=val_pipeline,
        data_prefix=dict(img=data_root),
        test_mode=True))
test_dataloader = val_dataloader

# mAP with ActivityNet's AVA scorer (get_ava_performance.py): top 50
# detections per frame, every frame of the ground-truth file evaluated, the
# label map's 60 classes; the protocol AVA results are reported with. Then
# the precision and recall of the detected actors (Table 2b).
val_evaluator = [
    dict(
        type='AVAFrameMAPMetric',
        ann_file=ann_file_val,
        label_file=label_file,
        exclude_file=exclude_file_val,
        ava_protocol='official'),
    dict(
        type='AVAActorPRMetric',
        ann_file=ann_file_val,
        exclude_file=exclude_file_val)
]
test_evaluator = val_evaluator

max_epochs = 25
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=5,
    val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# AdamW, lr 1e-4, weight decay 1e-4, cosine decay without restarts
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=1e-4, weight_decay=1e-4))
param_scheduler = [
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
    logger=dict(interval=100),
    checkpoint=dict(interval=1, max_keep_ckpts=3, save_best='mAP/overall'))

# 16 clips per iteration (8 GPUs x 2), as in the paper.
auto_scale_lr = dict(enable=False, base_batch_size=16)
