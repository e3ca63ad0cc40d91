# TSM baseline on EgoGesture, 8 frames (mmaction2's ResNetTSM).
# Paper: Table 3, 79.7 (val) / 80.5 (test) top-1.
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_egogesture-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=8,
        norm_eval=False,
        shift_div=8))
