# DualScope on SAM-DD (side view; DriveCLIP's fixed driver split): frozen CLIP
# ViT-L/14 features cached by tools/dualscope/extract_features.py, 16-frame
# clips, fold 0. Data: tools/data/sam-dd/README.md.
_base_ = ['../_base_/dualscope_vit-large-p14-feat_video.py']

data_root = 'data/sam-dd'
ann_file = f'{data_root}/annotations.json'
feature_root = 'data/features/sam-dd_vit-large-p14-clip'

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
