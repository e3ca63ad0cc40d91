# W3 stage 2 (MFR) on EPIC-Kitchens-55, 8 frames.
# Paper: Table 4, verb 64.4 / 50.2, noun 44.2 / 26.6, action 33.5 / 17.8
# top-1 (S1 / S2 test server).
_base_ = [
    './w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_epic-kitchens-55-rgb.py'
]

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_'
    'epic-kitchens-55-rgb/epoch_50.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
