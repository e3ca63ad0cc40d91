# Table 2a, row "Inp: 16x224^2, Out: 8x14^2": the main setting at 224x224
# (2(C+T) -> 392 token pairs). Paper: 27.4 mAP, 87.9 GFLOPs.
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

input_size = 224
# The 256 px pipelines with their Resize step at 224 x 224.
train_pipeline = [
    dict(step, scale=(input_size,
                      input_size)) if step['type'] == 'Resize' else step
    for step in _base_.train_pipeline
]
val_pipeline = [
    dict(step, scale=(input_size,
                      input_size)) if step['type'] == 'Resize' else step
    for step in _base_.val_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
