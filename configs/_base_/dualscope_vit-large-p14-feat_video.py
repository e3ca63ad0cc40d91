# DualScope on a video DDAR dataset from cached frozen-CLIP ViT-L/14 features
# (tools/dualscope/extract_features.py): the model, data, schedule and
# runtime every per-dataset config shares. A per-dataset config
# (configs/dualscope/dualscope_clip-pretrained-vit-large-p14-feat_*) sets only
# what differs: `data_root`, `ann_file`, `feature_root`, the class count and
# (through `--cfg-options`) the fold; it passes them to the three dataloaders
# and to `feature_extraction` (mmengine resolves a base's variables before the
# child is read, so the child re-states where they go).
_base_ = [
    './models/dualscope_vit-large-p14.py', './datasets/ddar_features.py',
    './schedules/dualscope_adamw-cosine-100e.py', './default_runtime.py'
]
