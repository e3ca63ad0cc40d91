# TSM + CBAM in every residual block (image attention, no temporal
# reasoning) with the same attention-guided refinement as W3; stage 1.
# Paper: Table 6/7 "+CBAM" 49.1 top-1, 66.5 GFLOPs.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        attention_cfg=dict(_delete_=True, type='CBAM', reduction=16)))
