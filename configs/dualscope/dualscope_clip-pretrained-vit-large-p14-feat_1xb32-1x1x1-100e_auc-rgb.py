# DualScope on AUC-v1 (images; official train/test split): frozen CLIP ViT-L/14
# features cached by tools/dualscope/extract_features.py, images as 1-frame
# clips, fold 0. Data: tools/data/auc/README.md.
_base_ = ['../_base_/dualscope_vit-large-p14-feat_image.py']

data_root = 'data/auc/v1_cam1_no_split'
ann_file = f'{data_root}/annotations.json'
feature_root = 'data/features/auc_vit-large-p14-clip'

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
