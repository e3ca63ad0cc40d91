# W3 stage 2: mature feature-guided regularisation (MFR, Eq. 9). The student
# starts again from ImageNet; a frozen teacher is loaded from the stage-1
# checkpoint (train the stage-1 config first; its default work dir holds
# `epoch_50.pth`, or pass `--cfg-options model.teacher_checkpoint=PATH`).
# Paper: Table 1, 49.0 top-1.
_base_ = ['./w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb/epoch_50.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
