# W3 stage 1 on EPIC-Kitchens-55 action recognition, 8 frames: verb (125)
# and noun (331) classifiers on the TSM features (mmvb's VerbNounHead);
# metric: verb, noun and action accuracy (an action is correct when verb and
# noun both are). Segments of the videos' rawframes `frame_{:010}.jpg`
# (lists from tools/data/epic_kitchens). Test: 2 clips x 10 crops.
# Paper: Table 4 (test server, S1 seen / S2 unseen kitchens), with MFR:
# verb 64.4 / 50.2, noun 44.2 / 26.6, action 33.5 / 17.8 top-1.
_base_ = [
    '../_base_/models/w3_tsm_r50.py', '../_base_/schedules/sgd_tsm_50e.py',
    '../_base_/default_runtime.py'
]

num_segments = 8
num_verbs, num_nouns = 125, 331
model = dict(
    backbone=dict(num_segments=num_segments),
    cls_head=dict(
        _delete_=True,
        type='VerbNounHead',
        num_verbs=num_verbs,
        num_nouns=num_nouns,
        in_channels=2048,
        num_segments=num_segments,
        dropout_ratio=0.5,
        init_std=0.001,
        average_clips='prob'))

dataset_type = 'VerbNounRawframeDataset'
data_root = 'data/epic_kitchens/rgb'
ann_file_train = 'data/epic_kitchens/epic55_train_list_rawframes.txt'
ann_file_val = 'data/epic_kitchens/epic55_val_list_rawframes.txt'

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
    dict(type='Flip', flip_ratio=0.5),
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
test_pipeline = [
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=num_segments,
        twice_sample=True,
        test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='TenCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]

dataset_args = dict(
    type=dataset_type,
    data_prefix=dict(img=data_root),
    filename_tmpl='frame_{:010}.jpg',
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
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        ann_file=ann_file_val,
        pipeline=test_pipeline,
        test_mode=True,
        **dataset_args))

val_evaluator = dict(
    type='VerbNounActionMetric',
    num_verbs=num_verbs,
    num_nouns=num_nouns,
    apply_softmax=False)
test_evaluator = val_evaluator

# fc_lr5 for both classifiers (mmaction2's constructor would give the 5x
# rate to the last one, the noun classifier, only).
optim_wrapper = dict(constructor='TSMHeadsOptimWrapperConstructor')

default_hooks = dict(
    checkpoint=dict(
        interval=5, max_keep_ckpts=3, save_best='acc/action_top1'))
