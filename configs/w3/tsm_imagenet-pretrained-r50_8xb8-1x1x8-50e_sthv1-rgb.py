# TSM baseline (mmaction2's ResNetTSM, no attention) with the recipe and data
# of the W3 configs. Paper: Table 1, 45.6 top-1 (TSM paper's number).
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        pretrained='torchvision://resnet50',
        depth=50,
        num_segments=8,
        norm_eval=False,
        shift_div=8))
