# AST baseline (DeiT-B, overlapping 16x16 patches with stride 10) on
# EPIC-Kitchens-100 with the DATAR recipe and the verb/noun heads (Table 3).
_base_ = [
    '../_base_/models/ast_deit-b.py',
    '../_base_/datasets/epic-kitchens-100_audio.py',
    '../_base_/schedules/adamw-1e-5-100e_audio.py',
    '../_base_/default_runtime.py'
]

model = dict(
    cls_head=dict(
        _delete_=True,
        type='VerbNounHead',
        num_verbs=97,
        num_nouns=293,
        in_channels=768,
        dropout_ratio=0.0,
        init_std=0.01,
        average_clips='prob'))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
