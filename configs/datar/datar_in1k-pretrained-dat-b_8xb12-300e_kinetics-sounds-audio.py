# DATAR (deformable attention + learnable input adaptor, lambda = 0.005) on
# Kinetics-Sounds: Table 1 and the last row of Table 4.
_base_ = [
    '../_base_/models/datar_dat-b.py',
    '../_base_/datasets/kinetics-sounds_audio.py',
    '../_base_/schedules/adamw-1e-5-300e_audio.py',
    '../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=31))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
