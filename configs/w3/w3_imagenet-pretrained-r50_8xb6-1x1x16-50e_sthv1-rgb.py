# W3 stage 1 ("w/o MFR") on Something-Something V1 with 16 frames.
# Paper: Table 5/7 "w/o MFR" 50.3 / 50.2 top-1 (1 clip x center crop).
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py']

num_segments = 16
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_segments=num_segments))

# The 8-frame pipelines of _base_/datasets/sthv1_rgb.py, sampling 16.
train_pipeline = [
    dict(step, num_clips=num_segments) if step.type == 'SampleFrames' else step
    for step in _base_.train_pipeline
]
val_pipeline = [
    dict(step, num_clips=num_segments) if step.type == 'SampleFrames' else step
    for step in _base_.val_pipeline
]
test_pipeline = val_pipeline

train_dataloader = dict(batch_size=6, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=6, dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(batch_size=6, dataset=dict(pipeline=test_pipeline))

# lr scaled with the batch: 0.01 x 48 / 64.
optim_wrapper = dict(optimizer=dict(lr=0.0075))
auto_scale_lr = dict(enable=False, base_batch_size=48)
