# InstBlink option (not the paper's setting): start from ImageNet ResNet-50
# weights (mmpretrain) instead of TeViT R50, e.g. where tevit_r50.pth is not
# available. Everything else is the paper's schedule.
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'  # noqa: E501
]

load_from = None
model = dict(
    backbone=dict(
        init_cfg=dict(
            _delete_=True,
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmclassification/v0/'
            'resnet/resnet50_8xb32_in1k_20210831-ea4938fc.pth',
            prefix='backbone.')))
