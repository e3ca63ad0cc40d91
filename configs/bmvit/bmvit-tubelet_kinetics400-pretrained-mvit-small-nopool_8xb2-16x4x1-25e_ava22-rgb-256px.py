# Table 2b, token selection "Tubelets": the temporal mean of the tokens
# (16x16 = 256) feeds all three heads. Paper: 28.7 mAP.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

model = dict(head=dict(token_selection='tubelet'))
