# Distracted-driving datasets in mmvb's driver-activity format
# (tools/data/<dataset>/), trained on cached frame features
# (tools/dualscope/extract_features.py -> `feature_root`), fold 0 of the
# dataset's protocol. A config sets `data_root`, `ann_file`, `feature_root`
# through the dataloaders below (see configs/dualscope/*).
# Video datasets: 16-frame clips (segment-based sampling); image datasets
# override the pipelines with clip_len=1.
dataset_type = 'DriverActivityDataset'
data_root = 'data/aide'
ann_file = f'{data_root}/annotations.json'
feature_root = 'data/features/aide_vit-large-p14-clip'
clip_len = 16

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
dataset = dict(
    type=dataset_type,
    ann_file=ann_file,
    data_prefix=dict(video=data_root),
    feature_root=feature_root,
    fold=0)
train_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**dataset, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **dataset, split='val', pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=32,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **dataset, split='test', pipeline=test_pipeline, test_mode=True))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# Frames for tools/dualscope/extract_features.py: every frame of every
# sample, resized and centre-cropped to CLIP's 224 x 224.
frame_pipeline = [
    dict(type='DecodeDriverClip'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('sample_id', ))
]
feature_extraction = dict(
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        data_prefix=dict(video=data_root),
        split=None,
        pipeline=[dict(type='SampleAllFrames')] + frame_pipeline))
