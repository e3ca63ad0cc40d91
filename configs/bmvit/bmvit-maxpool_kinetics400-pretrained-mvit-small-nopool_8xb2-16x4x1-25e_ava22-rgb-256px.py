# Table 2b, token selection "Max Pooling": boxes/actors from the central
# frame, the class logits of all tokens max-pooled over time (256 token
# pairs). Paper: 28.3 mAP.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

model = dict(head=dict(token_selection='max_pool'))
