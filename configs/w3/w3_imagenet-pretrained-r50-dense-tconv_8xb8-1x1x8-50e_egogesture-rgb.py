# W3 stage 1 with dense temporal convolutions (C -> C channels, the
# reading of the paper's FLOPs; 147 M parameters at R50, see README
# "Readings of the paper") on EgoGesture, 8 frames (Table 3).
# Otherwise identical to the depthwise default config in `_base_`.
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_egogesture-rgb.py']

model = dict(backbone=dict(attention_cfg=dict(temporal_conv='dense')))
