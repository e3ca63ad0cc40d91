# The image datasets (StateFarm, AUC-v1) on cached features: every image is
# a 1-frame clip. Otherwise as ddar_features.py.
_base_ = ['./ddar_features.py']

clip_len = 1
train_pipeline = [
    dict(type='UniformSample', clip_len=clip_len, num_clips=1),
    dict(type='LoadClipFeatures'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='UniformSample', clip_len=clip_len, num_clips=1, test_mode=True),
    dict(type='LoadClipFeatures'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
