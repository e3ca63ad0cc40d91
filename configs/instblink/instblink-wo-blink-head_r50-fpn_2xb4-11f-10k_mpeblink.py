# InstBlink ablation (Table 6): without the blink head (face detection and
# tracking only).
_base_ = ['./instblink_r50-fpn_2xb4-11f-10k_mpeblink.py']

model = dict(head=dict(blink_head_type=None))
