# TSM + CBAM in every residual block with W3's attention-guided feature
# refinement (fed with CBAM's spatial masks), stage 1: only the attention
# module differs from W3. Not a row of the paper (its "+CBAM" is
# tsm-cbam_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py, without
# the refinement); it separates the attention module from the refinement.
_base_ = ['./tsm-cbam_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(backbone=dict(with_afr=True))
