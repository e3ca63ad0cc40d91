# VGGSound audio (309 classes; lists from
# tools/data/vggsound/build_audio_list.py --extract). AST features:
# 16 kHz mono, 128 log-mel bins, 1024 frames, SpecAugment 48/192, waveform
# mixup; AudioSet statistics (AST's fallback) until dataset statistics are
# computed with tools/data/audio/fbank_stats.py.
dataset_type = 'AudioDataset'
data_root = 'data/vggsound'
ann_file_train = f'{data_root}/vggsound_train_list_audio.txt'
ann_file_val = f'{data_root}/vggsound_test_list_audio.txt'
num_classes = 309
norm = dict(type='NormalizeFbank', mean=-4.2677393, std=4.5689974)

train_pipeline = [
    dict(
        type='WaveformMixup',
        prob=0.5,
        alpha=10.0,
        label_mode='soft',
        num_classes=num_classes),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024),
    dict(type='SpecAugment', freq_mask=48, time_mask=192),
    norm,
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='LoadAudio', sample_rate=16000),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024),
    norm,
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=12,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='AudioMixDataset',
        dataset=dict(
            type=dataset_type,
            ann_file=ann_file_train,
            data_prefix=dict(audio=data_root),
            pipeline=[dict(type='LoadAudio', sample_rate=16000)]),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=12,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(audio=data_root),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
