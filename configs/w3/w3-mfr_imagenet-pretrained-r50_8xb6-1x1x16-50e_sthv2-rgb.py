# W3 stage 2 (MFR) on Something-Something V2, 16 frames.
# Paper: Table 2, 66.5 (FR, 16x2 clips) / 65.7 (CC) top-1.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv2-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv2-rgb/epoch_50.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
