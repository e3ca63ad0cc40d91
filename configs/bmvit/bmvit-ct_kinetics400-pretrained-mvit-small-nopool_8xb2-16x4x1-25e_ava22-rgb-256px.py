# Table 2b, token selection "C + T": boxes/actors from the central frame,
# classes from the temporal mean (256 token pairs). Paper: 29.1 mAP.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

model = dict(head=dict(token_selection='C+T'))
