# W3 stage 1 on EPIC-Kitchens-55 action recognition, 8 frames: verb (125)
# and noun (352) classifiers on the TSM features (mmvb's VerbNounHead);
# metric: verb, noun and action accuracy (an action is correct when verb and
# noun both are). Segments of the videos' rawframes `frame_{:010}.jpg`
# (lists from tools/data/epic_kitchens). Test: 2 clips x 10 crops.
# Paper: Table 4 (test server, S1 seen / S2 unseen kitchens), with MFR:
# verb 64.4 / 50.2, noun 44.2 / 26.6, action 33.5 / 17.8 top-1.
_base_ = [
    '../_base_/models/w3_tsm_r50.py',
    '../_base_/datasets/epic-kitchens-55_rgb.py',
    '../_base_/schedules/sgd_tsm_50e.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(num_segments=_base_.num_segments),
    cls_head=dict(
        _delete_=True,
        type='VerbNounHead',
        num_verbs=_base_.num_verbs,
        num_nouns=_base_.num_nouns,
        in_channels=2048,
        num_segments=_base_.num_segments,
        dropout_ratio=0.5,
        init_std=0.001,
        average_clips='prob'))

# fc_lr5 for both classifiers (mmaction2's constructor would give the 5x
# rate to the last one, the noun classifier, only).
optim_wrapper = dict(constructor='TSMHeadsOptimWrapperConstructor')

default_hooks = dict(
    checkpoint=dict(interval=5, max_keep_ckpts=3, save_best='acc/action_top1'))
