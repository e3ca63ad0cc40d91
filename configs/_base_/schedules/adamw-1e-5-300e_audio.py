# DATAR's optimiser: AdamW with learning rate 1e-5 (paper, Sec. 4). Not
# given by the paper (assumptions): weight decay 0.05 (DAT), none on the
# relative-position tables, a 1-epoch linear warm-up and a cosine decay,
# gradient clipping at 5 (DAT). 300 epochs (Kinetics-Sounds); the 50e
# (VGGSound) and 100e (EPIC-Kitchens-100) schedules inherit this one.
max_epochs = 300
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=1,
    val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-5, weight_decay=0.05),
    paramwise_cfg=dict(
        custom_keys=dict(
            rpe_table=dict(decay_mult=0.0),
            relative_position_bias_table=dict(decay_mult=0.0),
            pos_embed=dict(decay_mult=0.0),
            cls_token=dict(decay_mult=0.0),
            dist_token=dict(decay_mult=0.0))),
    clip_grad=dict(max_norm=5.0, norm_type=2))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0.0,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]

# 8 GPUs x 12 clips (AST's per-GPU batch).
auto_scale_lr = dict(enable=False, base_batch_size=96)
