# InstBlink_cross of Table 4: the MPEblink model tested on HUST-LEBW
# (recall / precision / F1, both eyes). Run with the MPEblink checkpoint:
#   python tools/test.py THIS_CONFIG work_dirs/<mpeblink run>/iter_10000.pth
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py',
    '../_base_/datasets/hust-lebw.py'
]

test_dataloader = {{_base_.hust_test_dataloader}}
test_evaluator = {{_base_.hust_test_evaluator}}
