# DualScope on StateFarm (images; 7 driver-out folds): frozen CLIP ViT-L/14
# features cached by tools/dualscope/extract_features.py, images as 1-frame
# clips, fold 0. Data: tools/data/statefarm/README.md.
_base_ = ['../_base_/dualscope_vit-large-p14-feat_image.py']

data_root = 'data/statefarm'
ann_file = f'{data_root}/annotations.json'
feature_root = 'data/features/statefarm_vit-large-p14-clip'

model = dict(cls_head=dict(num_classes=10))

dataset = dict(
    ann_file=ann_file,
    data_prefix=dict(video=data_root),
    feature_root=feature_root)
train_dataloader = dict(dataset=dataset)
val_dataloader = dict(dataset=dataset)
test_dataloader = dict(dataset=dataset)
feature_extraction = dict(
    dataset=dict(ann_file=ann_file, data_prefix=dict(video=data_root)))
