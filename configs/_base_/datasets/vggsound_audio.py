# VGGSound audio (309 classes; lists from
# tools/data/vggsound/build_audio_list.py --extract) with the AST
# features and waveform mixup of ast-fbank-mixup_audio.py.
_base_ = ['./ast-fbank-mixup_audio.py']

data_root = 'data/vggsound'
ann_file_train = f'{data_root}/vggsound_train_list_audio.txt'
ann_file_val = f'{data_root}/vggsound_test_list_audio.txt'
num_classes = 309

train_pipeline = [
    dict(step, num_classes=num_classes)
    if step.type == 'WaveformMixup' else step for step in _base_.train_pipeline
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            ann_file=ann_file_train, data_prefix=dict(audio=data_root)),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(audio=data_root)))
test_dataloader = val_dataloader
