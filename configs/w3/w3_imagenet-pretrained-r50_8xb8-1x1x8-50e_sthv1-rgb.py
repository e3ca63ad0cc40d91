# W3 stage 1 (attention + attention-guided feature refinement; "w/o MFR")
# on Something-Something V1, 8 frames, ImageNet-pretrained TSM-R50.
# Paper: Table 1 (49.0 top-1 with MFR). Val/test: 1 clip x center crop 224
# (the "efficient" protocol of Table 1).
_base_ = [
    '../_base_/models/w3_tsm_r50.py', '../_base_/datasets/sthv1_rgb.py',
    '../_base_/schedules/sgd_tsm_50e.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(num_segments=_base_.num_segments),
    cls_head=dict(num_classes=174, num_segments=_base_.num_segments))

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
