# DualScope on SynDD1 (dashboard view; DriveCLIP's 8 classes, 7 driver-out
# folds): frozen CLIP ViT-L/14 features cached by
# tools/dualscope/extract_features.py, 16-frame clips, fold 0. Data:
# tools/data/syndd1/README.md.
_base_ = ['../_base_/dualscope_vit-large-p14-feat_video.py']

data_root = 'data/syndd1'
ann_file = f'{data_root}/annotations.json'
feature_root = 'data/features/syndd1_vit-large-p14-clip'

model = dict(cls_head=dict(num_classes=8))

dataset = dict(
    ann_file=ann_file,
    data_prefix=dict(video=data_root),
    feature_root=feature_root)
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = dict(dataset=dataset)
feature_extraction = dict(
    dataset=dict(ann_file=ann_file, data_prefix=dict(video=data_root)))
