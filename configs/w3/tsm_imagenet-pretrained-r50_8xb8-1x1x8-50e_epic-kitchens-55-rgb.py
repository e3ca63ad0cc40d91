# TSM baseline on EPIC-Kitchens-55, 8 frames (mmaction2's ResNetTSM).
# Paper: Table 4 (from Price & Damen 2019), verb 57.9 / 43.5, noun
# 40.8 / 23.3, action 28.2 / 15.0 top-1 (S1 / S2).
_base_ = [
    './w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_epic-kitchens-55-rgb.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=8,
        norm_eval=False,
        shift_div=8))
