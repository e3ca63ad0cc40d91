# A small W3 recognizer (TSM-R18 + W3 + feature refinement, 4 frames) for
# tool tests: stage 1 of the two-stage (MFR) training, on the data and loop
# of the tiny TSN test config. SGD with TSMOptimWrapperConstructor and
# fc_lr5, as in the paper configs.
# Data root from the environment: MMVB_DATA_ROOT=/path/to/motion.
_base_ = ['./tsn-r18-stage1_tiny_synthetic-motion.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSMW3',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        num_segments={{_base_.num_segments}},
        attention_cfg=dict(type='W3Attention', reduction=16),
        with_afr=True),
    cls_head=dict(
        _delete_=True,
        type='AutocastTSMHead',
        num_classes=6,
        in_channels=512,
        num_segments={{_base_.num_segments}},
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.0,
        init_std=0.01,
        is_shift=True,
        average_clips='prob'))

train_cfg = dict(max_epochs=1)
optim_wrapper = dict(
    _delete_=True,
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
