# InstBlink option: separate spatial and temporal attention weights in QIM
# (the official code shares one attention and LayerNorm; Eq. 1-2 of the
# paper allow both).
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'
]

model = dict(head=dict(qim_share_weights=False))
