# TSM baseline, Something-Something V2, 16 frames (mmaction2's ResNetTSM).
# Paper: Table 2, 63.1 top-1 (FR, 16x2 clips; TSM paper's number).
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv2-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=16,
        norm_eval=False,
        shift_div=8))
