# Zero-shot CLIP ViT-L/14 on SynDD1 (dashboard view) (DualScope Table 2, DriveCLIP's
# protocol): the class prompts embedded by CLIP's text tower, frames
# classified by cosine similarity with the cached [CLS] features of the
# frozen image tower (tools/dualscope/extract_features.py with this config),
# frame probabilities averaged over each clip; test split of fold 0.
#   python tools/model_converters/openai-clip_to_mmvb.py ViT-L-14.pt \
#       checkpoints/clip-vit-large-p14_mmvb.pth
#   python tools/test.py <this config> checkpoints/clip-vit-large-p14_mmvb.pth
# Prompts: DriveCLIP's 8 SynDD1 class descriptions, verbatim, used as they
# are (zahid-isu/DriveCLIP 782ae3b2de532e1c5aa2f0a0b54e7b8eaff771ba,
# README.md; MIT), in the order of tools/data/syndd1's DRIVECLIP_CLASSES.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_syndd1-rgb.py'
]

model = dict(
    type='ZeroShotRecognizer',
    cls_head=dict(
        _delete_=True,
        type='CLIPZeroShotHead',
        num_classes=8,
        in_channels=1024,  # ViT-L/14 [CLS] after ln_post (cached features)
        embed_dims=768,
        text_encoder=dict(type='CLIPTextEncoder'),  # ViT-L/14's text tower
        tokenizer=dict(type='CLIPTokenizer', bpe_path=None),
        frame_aggregation='prob',
        templates=['{}'],
        prompts=[
            'driver is adjusting his or her hair while driving a car',
            'driver is drinking water from a bottle while driving a car',
            'driver is eating while driving a car',
            'driver is picking something from the floor while driving a car',
            'driver is reaching behind to the backseat while driving a car',
            'driver is singing a song with music and smiling while driving',
            'driver is talking to the phone on hand while driving a car',
            'driver is yawning while driving a car'
        ]))
