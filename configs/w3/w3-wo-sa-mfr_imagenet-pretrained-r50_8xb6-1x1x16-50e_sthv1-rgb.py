# Table 5 ablation, stage 2 (MFR): W3 without spatio-temporal
# (spatial) attention; AFR needs the spatial masks, so it goes too.
# Paper: Table 5 "w/o SA" 49.8 top-1 (Something-Something V1, 16 frames).
_base_ = ['./w3-wo-sa_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3-wo-sa_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb/epoch_50.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
