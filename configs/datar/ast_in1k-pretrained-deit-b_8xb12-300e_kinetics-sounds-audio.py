# AST baseline (DeiT-B, overlapping 16x16 patches with stride 10) on
# kinetics-sounds with the DATAR recipe (Table 1).
_base_ = [
    '../_base_/models/ast_deit-b.py',
    '../_base_/datasets/kinetics-sounds_audio.py',
    '../_base_/schedules/adamw-1e-5-300e_audio.py',
    '../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=31))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
