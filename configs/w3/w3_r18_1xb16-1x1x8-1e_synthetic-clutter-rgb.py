# W3 (stage 1: attention in every block + feature refinement, depthwise
# temporal convolutions) on TSM-R18 from scratch on the synthetic where/when
# set; the same recipe as tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py.
_base_ = ['./tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py']

model = dict(
    backbone=dict(
        type='ResNetTSMW3',
        attention_cfg=dict(type='W3Attention', reduction=16),
        with_afr=True))
