# Stage 2 (MFR) of the tiny W3 recognizer: a frozen teacher of the same
# architecture from the stage-1 checkpoint (pass it with
# `--cfg-options model.teacher_checkpoint=PATH`).
_base_ = ['./w3_r18-tiny_synthetic-motion.py']

model = dict(
    type='MFRRecognizer2D',
    teacher_checkpoint=None,
    mfr_loss=dict(type='FeatureMimicLoss', mode='l2', loss_weight=0.01))
