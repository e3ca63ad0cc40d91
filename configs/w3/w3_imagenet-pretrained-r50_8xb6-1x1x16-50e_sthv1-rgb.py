# W3 stage 1 ("w/o MFR") on Something-Something V1 with 16 frames.
# Paper: Table 5/7 "w/o MFR" 50.3 / 50.2 top-1 (1 clip x center crop).
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py']

num_segments = 16
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(num_segments=num_segments))

sthv1_flip_label_map = {2: 4, 4: 2, 30: 41, 41: 30, 52: 66, 66: 52}
file_client_args = dict(io_backend='disk')
train_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=num_segments),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 256)),
    dict(
        type='MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1,
        num_fixed_crops=13),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5, flip_label_map=sthv1_flip_label_map),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=num_segments,
        test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=6, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=6, dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(batch_size=6, dataset=dict(pipeline=test_pipeline))

# lr scaled with the batch: 0.01 x 48 / 64.
optim_wrapper = dict(optimizer=dict(lr=0.0075))
auto_scale_lr = dict(enable=False, base_batch_size=48)
