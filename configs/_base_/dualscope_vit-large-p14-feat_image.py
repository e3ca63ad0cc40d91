# DualScope on an image DDAR dataset (StateFarm, AUC-v1: every image a 1-frame
# clip) from cached frozen-CLIP ViT-L/14 features. Otherwise as
# dualscope_vit-large-p14-feat_video.py.
_base_ = [
    './models/dualscope_vit-large-p14.py', './datasets/ddar_image-features.py',
    './schedules/dualscope_adamw-cosine-100e.py', './default_runtime.py'
]
