# W3 stage 2 (MFR) on the synthetic temporal-order set: the student starts
# again from scratch, the teacher is the stage-1 model
# w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb (its default work dir holds
# `epoch_5.pth`; or `--cfg-options model.teacher_checkpoint=PATH`).
_base_ = ['./w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb/epoch_5.pth',
    # Eq. 9 as the per-element RMS with weight 0.01 * sqrt(512): the same
    # term as weight 0.01 on the L2 norm of a 512-d feature, at any feature
    # size (configs/w3/README.md, "Readings of the paper").
    mfr_loss=dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5))
