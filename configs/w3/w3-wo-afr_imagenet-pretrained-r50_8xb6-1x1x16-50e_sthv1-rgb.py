# Table 5 ablation, stage 1: W3 without attention-guided
# feature refinement (AFR).
# Something-Something V1, 16 frames. Stage 2: the matching `-mfr` config.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(backbone=dict(with_afr=False))
