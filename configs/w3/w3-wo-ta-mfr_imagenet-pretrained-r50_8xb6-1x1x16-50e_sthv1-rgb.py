# Table 5 ablation, stage 2 (MFR): W3 without temporal reasoning
# (no 1D / 3D temporal convolutions).
# Paper: Table 5 "w/o TA" 47.2 top-1 (Something-Something V1, 16 frames).
_base_ = ['./w3-wo-ta_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3-wo-ta_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb/epoch_50.pth',
    mfr_loss=dict(type='FeatureMimicLoss', mode='l2', loss_weight=0.01))
