# InstBlink ablation (Table 6): without the blink head (face detection and
# tracking only).
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'
]

model = dict(head=dict(blink_head_type=None))
