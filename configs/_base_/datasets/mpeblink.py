# MPEblink rawframes and annotations written by
#   python tools/data/mpeblink/convert_mpeblink.py data/mpeblink
# Train: 11-frame clips every 2nd frame around each frame with a face,
# 640x360, a horizontal flip decided once per clip. Test: every frame, clips
# of 36 frames with stride 18 (linked by MPEblinkMetric).
dataset_type = 'MPEblinkDataset'
data_root = 'data/mpeblink'
img_size = (640, 360)

train_pipeline = [
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=img_size, keep_ratio=True),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackMPEblinkInputs')
]
test_pipeline = [
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=img_size, keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackMPEblinkInputs')
]

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/annotations/train.json',
        data_prefix=dict(img=f'{data_root}/train_rawframes'),
        clip_len=11,
        frame_interval=2,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/annotations/validate.json',
        data_prefix=dict(img=f'{data_root}/validate_rawframes'),
        test_clip_len=36,
        test_stride=18,
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/annotations/test.json',
        data_prefix=dict(img=f'{data_root}/test_rawframes'),
        test_clip_len=36,
        test_stride=18,
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(
    type='MPEblinkMetric', ann_file=f'{data_root}/annotations/validate.json')
test_evaluator = dict(
    type='MPEblinkMetric', ann_file=f'{data_root}/annotations/test.json')
