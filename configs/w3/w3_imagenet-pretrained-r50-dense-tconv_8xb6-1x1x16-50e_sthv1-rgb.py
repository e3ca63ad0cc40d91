# W3 stage 1 with dense temporal convolutions (C -> C channels, the
# reading of the paper's FLOPs; 147 M parameters at R50, see README
# "Readings of the paper") on Something-Something V1, 16 frames (Table 1).
# Otherwise identical to the depthwise default config in `_base_`.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(backbone=dict(attention_cfg=dict(temporal_conv='dense')))
