# Table 4 ablation on AIDE: w/o DDE: the SATPM blocks attend with their own
# features as queries.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_aide-rgb.py'  # noqa: E501
]

model = dict(cls_head=dict(with_dde=False))
