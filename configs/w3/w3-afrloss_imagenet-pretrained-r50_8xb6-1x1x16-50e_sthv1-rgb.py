# W3 stage 1 with Sec. 3.4's "attention-guided feature refinement loss":
# cross-entropy plus the head's cross-entropy on the refining map
# f_ref(M^ms) of Eq. 8 alone (deep supervision of the attention pathway,
# W3Recognizer2D; weight 1, the paper's "summation").
# Something-Something V1, 16 frames. Stage 2: the matching `-mfr` config.
# Any W3 config takes it with
# `--cfg-options model.type=W3Recognizer2D model.afr_loss_weight=1.0`.
_base_ = ['./w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(type='W3Recognizer2D', afr_loss_weight=1.0)
