# DualScope's recipe: AdamW (lr 1e-5, weight decay 0.1), cosine annealing
# after a 10-epoch linear warm-up. The epoch count is ours (not given in the
# paper). Mamba's A_log and D (both directions) take no weight decay.
max_epochs = 100
warmup_epochs = 10
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=1,
    val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-5, weight_decay=0.1),
    paramwise_cfg=dict(custom_keys={
        '.A_log': dict(decay_mult=0.),
        '.D': dict(decay_mult=0.)
    }))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=0.,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True)
]
# 1 GPU x 32 clips.
auto_scale_lr = dict(enable=False, base_batch_size=32)
