# Table 2a, row "Inp: 16x224^2, Out: 8x7^2": MViTv2-S unchanged (last pooling
# kept) at 224x224 (2(C+T) -> 98 token pairs). Paper: 26.8 mAP, 65 GFLOPs.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-224px.py'
]

model = dict(backbone=dict(remove_last_pool=False))
