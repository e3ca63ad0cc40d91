# TSM + CBAM trained with MFR (stage 2; teacher = the TSM + CBAM stage-1
# model). Paper: Table 7 "+CBAM w/ MFR" 50.5 top-1.
_base_ = ['./tsm-cbam_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint='work_dirs/'
    'tsm-cbam_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb/epoch_50.pth',
    mfr_loss=dict(type='FeatureMimicLoss', mode='l2', loss_weight=0.01))
