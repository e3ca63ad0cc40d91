# DriPE images with head / left-hand / right-hand boxes and cached SAM
# tokens for SBCD pre-training. Prepare (see configs/dualscope/README.md):
#   python tools/dualscope/extract_keypoints.py data/dripe/images \
#       data/dripe/dripe_region_boxes.json
#   python tools/dualscope/extract_sam_tokens.py data/dripe/images \
#       data/dripe/dripe_region_boxes.json data/dripe/dripe_sam_tokens.npz \
#       --checkpoint checkpoints/sam_vit_b_01ec64.pth
# No flip: it would swap the person's left and right hands.
dataset_type = 'DriPEDataset'
data_root = 'data/dripe'
img_size = 224

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmcv.Resize', scale=(img_size, img_size), keep_ratio=False),
    dict(type='PackRegionInputs')
]
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='dripe_region_boxes.json',
        token_file='dripe_sam_tokens.npz',
        data_prefix=dict(img='images'),
        pipeline=train_pipeline))
