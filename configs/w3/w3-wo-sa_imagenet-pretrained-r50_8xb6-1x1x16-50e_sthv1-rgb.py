# Table 5 ablation, stage 1: W3 without spatio-temporal
# (spatial) attention; AFR needs the spatial masks, so it goes too.
# Something-Something V1, 16 frames. Stage 2: the matching `-mfr` config.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(attention_cfg=dict(with_spatial=False), with_afr=False))
