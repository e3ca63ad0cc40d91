# W3 on TSM-ResNet-50 (Perez-Rua et al., 2020): a W3 attention module in
# every residual block (on the residual branch, before the addition),
# attention-guided feature refinement of the last stage, TSM head.
# Depthwise ("per-channel", Sec. 3.1) temporal convolutions; the dense
# C -> C reading is in the `*-r50-dense-tconv_*` configs
# (configs/w3/README.md, "Readings of the paper").
# The plain TSM model is mmaction2's `_base_/models/tsm_r50.py`.
preprocess_cfg = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])

model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNetTSMW3',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=8,
        norm_eval=False,
        shift_div=8,
        attention_cfg=dict(
            type='W3Attention', reduction=16, temporal_conv='depthwise'),
        attention_position='residual',
        with_afr=True,
        afr_maps='stage'),
    cls_head=dict(
        type='AutocastTSMHead',
        num_classes=400,
        in_channels=2048,
        num_segments=8,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.001,
        is_shift=True,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor', format_shape='NCHW', **preprocess_cfg),
    train_cfg=None,
    test_cfg=None)
