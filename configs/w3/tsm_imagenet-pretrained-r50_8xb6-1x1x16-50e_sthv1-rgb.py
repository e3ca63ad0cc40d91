# TSM baseline, Something-Something V1, 16 frames (mmaction2's ResNetTSM).
# Paper: Table 1/6 47.2 top-1, 65 GFLOPs.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=16,
        norm_eval=False,
        shift_div=8))
