# DualScope's Behaviour-Centric Visual Encoder (BCVE) as a frame encoder:
# CLIP ViT-L/14 + TA-Adapter (s=32) + SI-Adapters (h=8), weights from SBCD
# pre-training (configs/dualscope/bcve-sbcd_*). Frozen, [CLS] output
# ([N, 1024], the last element of the returned tuple).
#
# Use it in a DDAR config by inheriting this file and setting
#   model = dict(backbone={{_base_.bcve_encoder}}, freeze_backbone=True)
# (the frame-encoder slot of DualScopeRecognizer); point
# `init_cfg.checkpoint` at your SBCD checkpoint. To replace an encoder that
# the config already inherits (CLIP's `frame_encoder` or `model.backbone` in
# the DDAR configs), use `bcve_encoder_replacing` instead: its `_delete_=True`
# makes mmengine replace the inherited dict rather than merge into it.
bcve_encoder = dict(
    type='BCVEncoder',
    arch='large',
    img_size=224,
    patch_size=14,
    peft='ta_si',
    ta_dims=32,
    si_dims=8,
    out_type='cls_token',
    frozen=True,
    init_cfg=dict(
        type='Pretrained',
        checkpoint='work_dirs/'
        'bcve-sbcd_clip-pretrained-vit-large-p14_1xb32-10e_dripe-rgb/epoch_10.pth',
        prefix='backbone.'))
bcve_encoder_replacing = dict(bcve_encoder, _delete_=True)
