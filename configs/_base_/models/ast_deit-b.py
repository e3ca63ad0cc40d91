# AST baseline: DeiT-B (distilled) on 128 x 1024 log-mel spectrograms with
# overlapping 16 x 16 patches (stride 10 x 10: 12 x 101 patches). ImageNet
# initialisation: point `pretrained` at a DeiT-B distilled checkpoint (timm's
# deit_base_distilled_patch16_384 or mmpretrain's); it is converted at init
# (RGB patch kernel summed, positions cut/interpolated as AST does).
model = dict(
    type='RecognizerAudio',
    backbone=dict(
        type='AudioSpectrogramTransformer',
        arch='deit-base',
        input_size=(128, 1024),
        patch_size=16,
        strides=(10, 10),
        pretrained='checkpoints/deit_base_distilled_patch16_384.pth'),
    cls_head=dict(
        type='AutocastTSNAudioHead',
        num_classes=None,  # set per dataset
        in_channels=768,
        dropout_ratio=0.0,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor'))
