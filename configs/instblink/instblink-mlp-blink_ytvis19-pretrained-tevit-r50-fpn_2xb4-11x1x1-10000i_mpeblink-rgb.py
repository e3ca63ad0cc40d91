# InstBlink option: the intended 2-layer MLP blink head (the official code
# evaluates it but uses only fc_blink(ReLU(x)): BlinkHead.forward in
# mmdet/models/roi_heads/mask_heads/blink_head.py, wenzhengzeng/MPEblink@ee9a44f).
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'
]

model = dict(head=dict(blink_head_type='mlp'))
