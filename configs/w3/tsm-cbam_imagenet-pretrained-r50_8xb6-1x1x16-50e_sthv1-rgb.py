# TSM + CBAM in every residual block (image attention, no temporal
# reasoning, no feature refinement); stage 1. Table 6's "+CBAM": "simply
# applying image attention to top-performing action models" (Sec. 4.2).
# The variant that keeps W3's attention-guided refinement (fed with CBAM's
# spatial masks) is tsm-cbam-afr_imagenet-pretrained-r50_8xb6-1x1x16-50e_
# sthv1-rgb.py.
# Paper: Table 6/7 "+CBAM" 49.1 top-1, 66.5 GFLOPs.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        attention_cfg=dict(_delete_=True, type='CBAM', reduction=16),
        with_afr=False))
