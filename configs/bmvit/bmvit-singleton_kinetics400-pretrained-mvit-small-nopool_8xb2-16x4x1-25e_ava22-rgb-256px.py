# Table 2b, token selection "Singleton": all 8x16x16 = 2048 output tokens
# give boxes, actors and classes. Paper: 28.5 mAP.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

model = dict(head=dict(token_selection='singleton'))
