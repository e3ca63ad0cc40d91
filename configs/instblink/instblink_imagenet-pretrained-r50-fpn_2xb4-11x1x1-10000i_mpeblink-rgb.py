# InstBlink R50-FPN on MPEblink, the paper's setting (Sec. 5): AdamW
# lr 2.5e-4 (backbone x0.1), weight decay 1e-4, gradient clip 0.1, batch 8
# clips (2 GPUs x 4) of 11 frames at 640x360, 10k iterations, lr x0.1 at 6k
# and 9k, linear warm-up over 1k iterations.
_base_ = [
    '../_base_/models/instblink_r50-fpn.py', '../_base_/datasets/mpeblink.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=10000, val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2.5e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=0.1, norm_type=2),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=1000),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        milestones=[6000, 9000],
        gamma=0.1,
        begin=0,
        end=10000)
]

default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(
        by_epoch=False, interval=2000, max_keep_ckpts=3, save_best=None))
log_processor = dict(by_epoch=False)

# 2 GPUs x 4 clips (tools/dist_train.sh CONFIG 2).
auto_scale_lr = dict(enable=False, base_batch_size=8)
