# Single-label audio classification with AST's features, shared by the
# Kinetics-Sounds and VGGSound bases (which add the data root, the lists and
# the class count of WaveformMixup): 16 kHz mono, 128 log-mel bins, 1024
# frames, SpecAugment 48/192, waveform mixup; AudioSet statistics (AST's
# fallback) until dataset statistics are computed with
# tools/data/audio/fbank_stats.py.
dataset_type = 'CheckedAudioDataset'
norm = dict(type='NormalizeFbank', mean=-4.2677393, std=4.5689974)

train_pipeline = [
    dict(type='WaveformMixup', prob=0.5, alpha=10.0, label_mode='soft'),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024),
    dict(type='SpecAugment', freq_mask=48, time_mask=192), norm,
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='LoadAudio', sample_rate=16000),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024), norm,
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
            pipeline=[dict(type='LoadAudio', sample_rate=16000)]),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=12,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, pipeline=val_pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
