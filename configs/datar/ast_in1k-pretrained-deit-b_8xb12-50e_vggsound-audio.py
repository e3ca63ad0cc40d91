# AST baseline (DeiT-B, overlapping 16x16 patches with stride 10) on
# vggsound with the DATAR recipe (Table 2; AST 103.4 G MACs).
_base_ = [
    '../_base_/models/ast_deit-b.py', '../_base_/datasets/vggsound_audio.py',
    '../_base_/schedules/adamw-1e-5-50e_audio.py',
    '../_base_/default_runtime.py'
]

model = dict(cls_head=dict(num_classes=309))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
