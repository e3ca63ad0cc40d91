# Zero-shot CLIP ViT-L/14 on StateFarm (images) (DualScope Table 2, DriveCLIP's
# protocol): the class prompts embedded by CLIP's text tower, frames
# classified by cosine similarity with the cached [CLS] features of the
# frozen image tower (tools/dualscope/extract_features.py with this config),
# frame probabilities averaged over each clip; test split of fold 0.
#   python tools/model_converters/openai-clip_to_mmvb.py ViT-L-14.pt \
#       checkpoints/clip-vit-large-p14_mmvb.pth
#   python tools/test.py <this config> checkpoints/clip-vit-large-p14_mmvb.pth
# Prompts: DriveCLIP's StateFarm class descriptions (its class folders,
# printed by notebooks/zero_shot_statefarm.ipynb of zahid-isu/DriveCLIP
# 782ae3b2de532e1c5aa2f0a0b54e7b8eaff771ba; MIT) for c1, c2, c3, c4, c6, c9,
# verbatim; DriveCLIP's StateFarm zero-shot code is not public, and c0, c5,
# c7, c8 are ours in the same pattern. Used as they are, classes c0-c9.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-1x1x1-100e_statefarm-rgb.py'
]

model = dict(
    type='ZeroShotRecognizer',
    cls_head=dict(
        _delete_=True,
        type='CLIPZeroShotHead',
        num_classes=10,
        in_channels=1024,  # ViT-L/14 [CLS] after ln_post (cached features)
        embed_dims=768,
        text_encoder=dict(type='CLIPTextEncoder'),  # ViT-L/14's text tower
        tokenizer=dict(type='CLIPTokenizer', bpe_path=None),
        frame_aggregation='prob',
        templates=['{}'],
        prompts=[
            'driver driving a car safely',
            'driver texting on the phone in right hand while driving a car',
            'driver talking on the phone in right hand while driving a car',
            'driver texting on the phone in left hand while driving a car',
            'driver talking on the phone in left hand while driving a car',
            'driver operating the radio while driving a car',
            'driver drinking water from a bottle while driving a car',
            'driver reaching behind while driving a car',
            'driver doing hair and makeup while driving a car',
            'driver talking to passenger while driving a car'
        ]))
