# InstBlink ablation (Table 5): w/o the filter operation in VIM (the RoI
# features are projected to the query directly).
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'
]

model = dict(head=dict(vim_filter=False))
