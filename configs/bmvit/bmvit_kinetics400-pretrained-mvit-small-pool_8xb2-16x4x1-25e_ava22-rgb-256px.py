# Table 2a, "Inp: 16x256^2, Out: 8x8^2": the main setting with the last
# pooling of MViTv2-S kept (2(C+T) -> 128 token pairs). Paper: 27.5 mAP,
# 90.7 GFLOPs.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

model = dict(backbone=dict(remove_last_pool=False))
