# W3 stage 2 (MFR) on Something-Something V1 with 16 frames: the full model.
# Paper: Table 1 52.6 top-1 (Table 5/6/7 "Full" / "+W3").
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb/epoch_50.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
