# DATAR: DAT-B pyramid (the DAT variant the paper's "we follow DAT and use
# ImageNet-1K publicly available pretrained weights" and its AST-sized
# comparison point to; see "Readings of the paper" in
# configs/datar/README.md) on 128 x 1024 log-mel spectrograms, with the
# learnable input adaptor (lambda 0.005, the paper's best).
# * convention='dat': DAT v1's sampling convention, bias-table scale,
#   shifted windows by 4 and offset-network LayerNorm, so DAT-B's ImageNet
#   weights keep their function (parity with DAT v1's code is tested);
# * downsample_ratio=2: the paper's "offset network on 4x subsampled
#   tokens" (reference grid h/2 x T/2 in the deformable stages).
# ImageNet initialisation: point `pretrained` at DAT's
# `dat_base_in1k_224.pth`; it is converted at init (RGB stem summed to one
# channel, bias tables resized, stage-4 offset kernel zero-padded to 5x5).
model = dict(
    type='RecognizerAudio',
    backbone=dict(
        type='DeformableAudioTransformer',
        arch='base',
        input_size=(128, 1024),
        window_size=7,
        convention='dat',
        downsample_ratio=2,
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
