# DualScope on AIDE end to end from frames: the same model as the cached-
# feature config, with the frames decoded, resized and centre-cropped to
# 224 x 224 and encoded by the (frozen) CLIP ViT-L/14 in every step. Set
# `model.freeze_backbone=False` (or plug in a trainable encoder such as
# BCVE) to fine-tune the encoder too. Also the model of the end-to-end FPS
# benchmark (tools/analysis/benchmark_presets.py, preset `dualscope`).
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_aide-rgb.py'
]

model = dict(backbone={{_base_.frame_encoder}})

# No horizontal flip: left- and right-hand activities are different classes.
train_pipeline = [
    dict(type='UniformSample', clip_len=16, num_clips=1),
    dict(type='DecodeDriverClip'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='UniformSample', clip_len=16, num_clips=1, test_mode=True),
    dict(type='DecodeDriverClip'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
dataset = dict(feature_root=None)
train_dataloader = dict(
    batch_size=8, dataset=dict(**dataset, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, dataset=dict(**dataset, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8, dataset=dict(**dataset, pipeline=test_pipeline))
auto_scale_lr = dict(enable=False, base_batch_size=8)
