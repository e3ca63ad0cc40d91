# Table 2c, "variable aspect ratio": training clips keep the frame's aspect
# ratio with a random short side in [240, 340] (clips of a batch are padded
# to the largest one, so the number of tokens varies); testing resizes the
# short side to 256. Paper: 28.5 mAP (vs 30.0 with fixed 256x256 inputs).
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

train_pipeline = [
    dict(type='SampleAVAFrames', clip_len=16, frame_interval=4),
    dict(type='RawFrameDecode'),
    dict(type='RandomRescale', scale_range=(240, 340)),
    dict(type='GTBoxJitter', ratio=0.05),
    dict(
        type='HueSafeColorJitter',
        brightness=0.4,
        contrast=0.4,
        saturation=0.4,
        hue=0.05),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(
        type='SampleAVAFrames', clip_len=16, frame_interval=4, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='FormatShape', input_format='NCTHW', collapse=True),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# one clip per batch: no padding at test time
val_dataloader = dict(batch_size=1, dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
