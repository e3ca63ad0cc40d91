# Zero-shot CLIP ViT-L/14 on SAM-DD (side view) (DualScope Table 2, DriveCLIP's
# protocol): the class prompts embedded by CLIP's text tower, frames
# classified by cosine similarity with the cached [CLS] features of the
# frozen image tower (tools/dualscope/extract_features.py with this config),
# frame probabilities averaged over each clip; test split of fold 0.
#   python tools/model_converters/openai-clip_to_mmvb.py ViT-L-14.pt \
#       checkpoints/clip-vit-large-p14_mmvb.pth
#   python tools/test.py <this config> checkpoints/clip-vit-large-p14_mmvb.pth
# Prompts and template: DriveCLIP's SAM-DD zero-shot notebook, verbatim
# (zahid-isu/DriveCLIP 782ae3b2de532e1c5aa2f0a0b54e7b8eaff771ba,
# notebooks/zero_shot_samdd.ipynb; MIT), classes in folder order 0-9.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_sam-dd-rgb.py'
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
        templates=['an image of a person {}.'],
        prompts=[
            'driving safely', 'drinking water while driving',
            'talking to the phone on left hand while driving',
            'talking to the phone on right hand while driving',
            'texting on the phone with left hand while driving',
            'texting on the phone with right hand while driving',
            'touching hairs with hand while driving',
            'adjusting glasses with hand while driving',
            'reaching behind while driving', 'dropping the head while driving'
        ]))
