# Table 2a, row "Inp: 16x224^2, Out: 8x7^2": MViTv2-S unchanged (last pooling
# kept) at 224x224. Sec. 5.1: "such a model produces only 7x7 tokens at the
# central frame": boxes and actor likelihoods from the central frame, class
# tokens from the temporal mean (C+T, L = 7 x 7 = 49 triplets).
# Paper: 26.8 mAP, 65 GFLOPs.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-224px.py'
]

model = dict(
    backbone=dict(remove_last_pool=False), head=dict(token_selection='C+T'))
