# BMViT on Hiera-L (Sec. 6.1 "Scaling up to large backbones", Table 3 row
# "Ours, K400 MAE, Hiera-L, 256"): the main setting (16x4 clips resized to
# 256x256, 2(C+T) token selection, Hungarian matching, AdamW 1e-4, cosine,
# 25 epochs, 16 clips per iteration) with the MViTv2-S backbone replaced by
# Hiera-L; "we directly reuse our training recipe to train the large model,
# without any further parameter optimization". As for MViTv2-S, the last
# query pooling is removed: 8x16x16 output tokens of 1152 channels.
# Paper: 38.5 mAP, 650 GFLOPs (two-stage Hiera-L: 39.8 mAP, 413+246 GFLOPs).
_base_ = [
    './bmvit_kinetics400-pretrained-mvit-small-nopool_'
    '8xb2-16x4x1-25e_ava22-rgb-256px.py'
]

# "the publicly available checkpoint pre-trained on Kinetics 400, which was
# first pre-trained in a self-supervised manner using Masked AutoEncoders":
# facebookresearch/hiera's hiera_large_16x224, checkpoint mae_k400_ft_k400
# ({'model_state': ...}). The MAE-only weights (mae_k400) load too:
# 'https://dl.fbaipublicfiles.com/hiera/mae_hiera_large_16x224.pth'.
hiera_checkpoint = 'https://dl.fbaipublicfiles.com/hiera/hiera_large_16x224.pth'

model = dict(
    backbone=dict(
        _delete_=True,
        type='Hiera',
        arch='large',
        # construction size of the Kinetics-400 weights (position
        # embeddings); 256x256 inputs interpolate them at run time
        input_size=(16, 224, 224),
        remove_last_pool=True,
        out_norm=True,
        drop_path_rate=0.2,  # as the MViTv2-S config; not in the paper
        pretrained=hiera_checkpoint),
    head=dict(in_channels=1152))
