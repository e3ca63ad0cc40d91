# The W3 synthetic recipe with W3 off (mmaction2's ResNetTSM): the
# same-budget baseline reported beside it in README.md.
_base_ = ['./w3_r18_1xb16-1x1x8-5e_synthetic-motion-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNetTSM',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False,
        num_segments=8,
        shift_div=8))
