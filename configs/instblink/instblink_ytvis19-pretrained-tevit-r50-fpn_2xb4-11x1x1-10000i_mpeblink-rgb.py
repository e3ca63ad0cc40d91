# InstBlink R50-FPN on MPEblink, the paper's setting (Sec. 5.1): AdamW
# lr 2.5e-4 (backbone x0.1), weight decay 1e-4, gradient clip 0.1, batch 8
# clips (2 GPUs x 4) of 11 frames at 640x360, 10k iterations, lr x0.1 at 6k
# and 9k, linear warm-up over 1k iterations.
_base_ = [
    '../_base_/models/instblink_r50-fpn.py', '../_base_/datasets/mpeblink.py',
    '../_base_/default_runtime.py'
]

# Initialisation: TeViT R50 trained on YouTube-VIS 2019 ("pre-trained on
# YouTube-VIS under [47]", Sec. 5.1; `load_from=pretrained_models/
# tevit_r50.pth` in tools/train.sh of wenzhengzeng/MPEblink@ee9a44f), so the
# ImageNet backbone weights are not loaded first. Download tevit_r50.pth
# (README of hustvl/TeViT) and convert it once:
#   python tools/convert/instblink_to_mmvb.py checkpoints/tevit_r50.pth \
#       checkpoints/tevit_r50_mmvb.pth --config THIS_CONFIG
# Another path: --cfg-options load_from=PATH. The converted file lacks the
# blink heads, the classifiers (40 YouTube-VIS classes) and the proposals
# (100 queries); they keep their initialisation, as in the official
# non-strict loading.
load_from = 'checkpoints/tevit_r50_mmvb.pth'
model = dict(backbone=dict(init_cfg=None))

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
