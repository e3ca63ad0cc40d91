# W3 stage 2 (MFR) with dense temporal convolutions on EPIC-Kitchens-55, 8 frames (Table 4);
# teacher: the stage-1 model w3_imagenet-pretrained-r50-dense-tconv_8xb8-1x1x8-50e_epic-kitchens-55-rgb
# (its default work dir holds `epoch_50.pth`, or pass
# `--cfg-options model.teacher_checkpoint=PATH`).
_base_ = [
    './w3-mfr_imagenet-pretrained-r50_8xb8-1x1x8-50e_epic-kitchens-55-rgb.py'
]

model = dict(
    backbone=dict(attention_cfg=dict(temporal_conv='dense')),
    teacher_checkpoint='work_dirs/'
    'w3_imagenet-pretrained-r50-dense-tconv_8xb8-1x1x8-50e_epic-kitchens-55-rgb/epoch_50.pth'
)
