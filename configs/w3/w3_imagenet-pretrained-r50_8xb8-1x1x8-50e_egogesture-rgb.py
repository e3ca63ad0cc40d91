# W3 stage 1 on EgoGesture (83 gestures, RGB only), 8 frames. Segments of
# the continuous recordings: rawframes `{:06}.jpg` read from `offset + 1`
# (lists from tools/data/egogesture). No horizontal flip (gestures such as
# "scroll hand towards left/right" are direction-specific). Val/test:
# 1 clip x center crop 224 (Table 3: "1 crop per video").
# Paper: Table 3, 93.9 (val) / 94.3 (test) top-1 with MFR.
_base_ = [
    '../_base_/models/w3_tsm_r50.py', '../_base_/datasets/egogesture_rgb.py',
    '../_base_/schedules/sgd_tsm_50e.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(num_segments=_base_.num_segments),
    cls_head=dict(num_classes=83, num_segments=_base_.num_segments))

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
