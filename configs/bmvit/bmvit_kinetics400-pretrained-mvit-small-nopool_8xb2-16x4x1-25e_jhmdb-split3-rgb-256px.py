# Table 4, JHMDB51-21 split 3 (see the split-1 config).
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_jhmdb-split1-rgb-256px.py'
]

split = 2
train_dataloader = dict(dataset=dict(split=split))
val_dataloader = dict(dataset=dict(split=split))
test_dataloader = val_dataloader
