# TSM's Something-Something schedule (Lin et al., 2019; the W3 paper
# "followed the common practice as [TSM]"): SGD, lr 0.01 for a batch of 64
# clips, decayed 10x at epochs 20 and 40, 50 epochs, weight decay 5e-4,
# gradient norm clipped at 20, classifier at 5x lr (`fc_lr5`).
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=50, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=50,
        by_epoch=True,
        milestones=[20, 40],
        gamma=0.1)
]

optim_wrapper = dict(
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=20, norm_type=2))

# `base_batch_size` = (8 GPUs) x (8 clips per GPU).
auto_scale_lr = dict(enable=False, base_batch_size=64)
