# InstBlink with ResNet-50 + FPN P2-P5 (Zeng et al., CVPR 2023): 50 queries,
# 4 QIM/VIM iterations, the official head (configs/instblink/instblink_r50.py
# of wenzhengzeng/MPEblink@ee9a44f).
model = dict(
    type='InstBlink',
    backbone=dict(
        type='mmpretrain.ResNet',
        depth=50,
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        norm_eval=True,
        style='pytorch',
        # ImageNet weights; the paper configs start from TeViT R50 trained
        # on YouTube-VIS instead (`load_from`, backbone init_cfg None).
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone.')),
    neck=dict(
        type='FPNNeck', in_channels=[256, 512, 1024, 2048], out_channels=256),
    head=dict(
        type='InstBlinkHead',
        num_queries=50,
        num_stages=4,
        embed_dims=256,
        num_heads=8,
        feedforward_channels=2048,
        dynamic_conv_channels=64,
        roi_size=7,
        featmap_strides=(4, 8, 16, 32),
        qim_spatial=True,
        qim_temporal=True,
        qim_share_weights=True,
        vim_filter=True,
        blink_head_type='official',
        loss_cls=dict(
            type='BinaryFocalLoss', alpha=0.25, gamma=2.0, loss_weight=2.0),
        loss_bbox=dict(type='L1Loss', loss_weight=5.0),
        loss_iou=dict(type='GIoULoss', eps=1e-6, loss_weight=2.0),
        loss_blink=dict(
            type='BinaryFocalLoss', alpha=0.25, gamma=2.0, loss_weight=5.0),
        matcher=dict(
            type='HungarianMatcher',
            costs=[
                dict(type='FocalMatchCost', weight=2.0),
                dict(type='BoxL1MatchCost', weight=5.0),
                dict(type='GIoUMatchCost', weight=2.0)
            ]),
        max_per_clip=10),
    data_preprocessor=dict(
        type='PaddedActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW',
        pad_size_divisor=32))
