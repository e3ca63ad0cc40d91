# Synthetic audio-event set (mmvb.datasets.synthetic.audio_events): 1 s
# 16 kHz wav clips of six event kinds. Generate it with:
#   python tools/data/synthetic/generate.py audio-events \
#       data/synthetic/audio_events --num-train 480 --num-val 120
# Features: 64 log-mel bins (Kaldi fbank, AST settings otherwise), 96 frames;
# mean/std from tools/data/audio/fbank_stats.py on the training clips. The
# decoded fbanks are cached next to the data (CachedFbank).
dataset_type = 'CheckedAudioDataset'
data_root = 'data/synthetic/audio_events'
ann_file_train = f'{data_root}/train_list_audio.txt'
ann_file_val = f'{data_root}/val_list_audio.txt'
num_mel_bins = 64
target_length = 96
load_fbank = dict(
    type='CachedFbank',
    transforms=[
        dict(type='LoadAudio', sample_rate=16000),
        dict(type='KaldiFbank', num_mel_bins=num_mel_bins)
    ],
    cache_dir=f'{data_root}/fbank_cache')

train_pipeline = [
    load_fbank,
    dict(type='PadCropFbank', target_length=target_length),
    dict(type='NormalizeFbank', mean=-5.38, std=3.37),
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    load_fbank,
    dict(type='PadCropFbank', target_length=target_length),
    dict(type='NormalizeFbank', mean=-5.38, std=3.37),
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
test_pipeline = val_pipeline

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(audio=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
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
