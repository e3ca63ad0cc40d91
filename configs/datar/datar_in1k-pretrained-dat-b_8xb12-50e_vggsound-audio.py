# DATAR on VGGSound (Table 2; the MACs comparison with AST).
_base_ = [
    '../_base_/models/datar_dat-b.py', '../_base_/datasets/vggsound_audio.py',
    '../_base_/schedules/adamw-1e-5-50e_audio.py',
    '../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=309))
train_cfg = dict(val_interval=1)
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=3))
