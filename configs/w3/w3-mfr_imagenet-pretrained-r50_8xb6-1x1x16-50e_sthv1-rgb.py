# W3 stage 2 (MFR) on Something-Something V1 with 16 frames: the full model.
# Paper: Table 1 52.6 top-1 (Table 5/6/7 "Full" / "+W3").
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb/epoch_50.pth',
    mfr_loss=dict(type='FeatureMimicLoss', mode='l2', loss_weight=0.01))
