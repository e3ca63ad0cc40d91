# DATAR: DAT-B pyramid (the variant whose compute matches the paper's 93.3 G,
# see configs/datar/README.md) on 128 x 1024 log-mel spectrograms, with the
# learnable input adaptor (lambda 0.005, the paper's best). ImageNet
# initialisation: point `pretrained` at DAT's `dat_base_in1k_224.pth`; it is
# converted at init (RGB stem summed to one channel, bias tables resized).
model = dict(
    type='RecognizerAudio',
    backbone=dict(
        type='DeformableAudioTransformer',
        arch='base',
        input_size=(128, 1024),
        window_size=7,
        offset_range=2.0,
        offset_kernel_size=5,
        drop_path_rate=0.5,
        input_adaptor=dict(type='LearnableInputAdaptor', lam=0.005),
        pretrained='checkpoints/dat_base_in1k_224.pth'),
    cls_head=dict(
        type='AutocastTSNAudioHead',
        num_classes=None,  # set per dataset
        in_channels=1024,
        dropout_ratio=0.0,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor'))
