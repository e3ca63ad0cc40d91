# EPIC-Kitchens-100 audio: verb/noun segments cut from the untrimmed audio
# of each video (lists from tools/data/epic_kitchens_100/build_audio_list.py;
# 97 verbs and 293 nouns with training segments, as in the paper). A segment
# is padded to 1024 frames (10.24 s); longer segments are cropped (random
# crop for training, centre crop for testing). SpecAugment 48/192; no
# mixup (two labels per segment).
dataset_type = 'EpicKitchensAudioDataset'
data_root = 'data/epic100_audio'
ann_file_train = f'{data_root}/epic100_audio_train.txt'
ann_file_val = f'{data_root}/epic100_audio_val.txt'
num_verbs = 97
num_nouns = 293
norm = dict(type='NormalizeFbank', mean=-4.2677393, std=4.5689974)

train_pipeline = [
    dict(type='LoadAudio', sample_rate=16000),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024, crop_mode='random'),
    dict(type='SpecAugment', freq_mask=48, time_mask=192), norm,
    dict(type='FormatFbankShape'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='LoadAudio', sample_rate=16000),
    dict(type='KaldiFbank'),
    dict(type='PadCropFbank', target_length=1024, crop_mode='center'), norm,
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
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(audio=data_root),
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

val_evaluator = dict(
    type='VerbNounActionMetric',
    num_verbs=num_verbs,
    num_nouns=num_nouns,
    apply_softmax=False)
test_evaluator = val_evaluator
