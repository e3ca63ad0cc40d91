# InstBlink ablation (Table 5): w/o QIM, i.e. no spatial and no temporal
# interaction among the queries.
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py'
]

model = dict(head=dict(qim_spatial=False, qim_temporal=False))
