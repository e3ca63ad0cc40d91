# DualScope (Qiu, Li et al.): a frozen CLIP ViT-L/14 frame encoder
# (mmpretrain VisionTransformer, class token after ln_post: [N, 1024]) and
# the temporal scope (FGME, DDE, 3 SATPM blocks, D=256, MLPs of 1024).
#
# `model` takes cached frame features (no `backbone`: no encoder is built or
# loaded to train). `frame_encoder` is the encoder that
# tools/dualscope/extract_features.py runs to cache them; end-to-end configs
# put it into the recognizer (see the `*_aide-rgb.py` config without -feat):
#   model = dict(backbone={{_base_.frame_encoder}})
# CLIP weights: mmpretrain's `vit-large-p14_clip-openai-pre_3rdparty`
# (keys under `backbone.`), downloaded once to `checkpoints/`:
# https://download.openmmlab.com/mmclassification/v0/clip/vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b.pth  # noqa: E501
# Part 2 of DualScope swaps this encoder for BCVE
# (configs/_base_/models/bcve_vit-large-p14.py).
clip_checkpoint = ('checkpoints/'
                   'vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b'
                   '.pth')
frame_encoder = dict(
    type='mmpretrain.VisionTransformer',
    arch='l',
    img_size=224,
    patch_size=14,
    pre_norm=True,
    final_norm=True,
    out_type='cls_token',
    norm_cfg=dict(type='LN', eps=1e-5),  # CLIP's LayerNorm
    layer_cfgs=dict(act_cfg=dict(type='mmpretrain.QuickGELU')),
    init_cfg=dict(
        type='Pretrained', checkpoint=clip_checkpoint, prefix='backbone.'))
model = dict(
    type='DualScopeRecognizer',
    freeze_backbone=True,
    frames_per_forward=64,
    cls_head=dict(
        type='DualScopeHead',
        num_classes=10,
        in_channels=1024,
        embed_dims=256,
        num_blocks=3,
        feedforward_channels=1024,
        mamba_cfg=dict(d_state=16, d_conv=4, expand=2),
        average_clips='prob'),
    # CLIP's RGB mean / std; cached features pass through unchanged.
    data_preprocessor=dict(
        type='FrameFeatureDataPreprocessor',
        mean=[122.7709383, 116.7460125, 104.09373615],
        std=[68.5005327, 66.6321579, 70.32316305],
        format_shape='NCTHW'))
