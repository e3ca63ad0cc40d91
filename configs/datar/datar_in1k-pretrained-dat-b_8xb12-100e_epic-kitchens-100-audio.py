# DATAR on EPIC-Kitchens-100 (Table 3): two classification heads (97 verbs,
# 293 nouns), loss = CE(verb) + CE(noun); verb, noun and action accuracy
# (action: both right; top-5 over verb x noun pairs).
_base_ = [
    '../_base_/models/datar_dat-b.py',
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
        in_channels=1024,
        dropout_ratio=0.0,
        init_std=0.01,
        average_clips='prob'))

default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=3))
