# W3 stage 1 on Something-Something V2, 16 frames (videos, decord).
# Val: 1 clip x center crop 224. Test: 2 clips ("16x2") x full resolution
# (short side 256, three 256x256 crops: TSM's full-resolution protocol);
# Table 2's center-crop row: `--cfg-options
# test_dataloader.dataset.pipeline.4.type=CenterCrop
# test_dataloader.dataset.pipeline.4.crop_size=224`.
# Paper: Table 2, 66.5 (FR) / 65.7 (CC) top-1 with MFR.
_base_ = [
    '../_base_/models/w3_tsm_r50.py', '../_base_/datasets/sthv2_rgb.py',
    '../_base_/schedules/sgd_tsm_50e.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(num_segments=_base_.num_segments),
    cls_head=dict(num_classes=174, num_segments=_base_.num_segments))

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))

# lr scaled with the batch: 0.01 x 48 / 64.
optim_wrapper = dict(optimizer=dict(lr=0.0075))
auto_scale_lr = dict(enable=False, base_batch_size=48)
