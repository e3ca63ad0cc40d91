# EgoGesture (83 gestures, RGB only). Segments of the continuous recordings:
# rawframes `{:06}.jpg` read from `offset + 1` (lists from
# tools/data/egogesture). TSM's recipe without the horizontal flip (gestures
# such as "scroll hand towards left/right" are direction-specific):
# `num_segments` segments of one frame, multi-scale crop to 224 for training;
# val/test 1 clip x center crop 224 (W3's Table 3: "1 crop per video").
# 8 segments, 8 clips per GPU.
dataset_type = 'CheckedRawframeDataset'
data_root = 'data/egogesture/images'
ann_file_train = 'data/egogesture/egogesture_train_list_rawframes.txt'
ann_file_val = 'data/egogesture/egogesture_val_list_rawframes.txt'
ann_file_test = 'data/egogesture/egogesture_test_list_rawframes.txt'
num_segments = 8

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

dataset_args = dict(
    type=dataset_type,
    data_prefix=dict(img=data_root),
    filename_tmpl='{:06}.jpg',
    with_offset=True)
train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file=ann_file_train, pipeline=train_pipeline, **dataset_args))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_val,
        pipeline=val_pipeline,
        test_mode=True,
        **dataset_args))
test_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_test,
        pipeline=test_pipeline,
        test_mode=True,
        **dataset_args))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
