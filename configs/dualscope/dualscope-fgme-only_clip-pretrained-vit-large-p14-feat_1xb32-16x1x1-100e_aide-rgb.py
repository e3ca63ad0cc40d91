# Table 4 ablation on AIDE: FGME only (no SATPM, no DDE): FGME, temporal
# average pooling, classifier.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_aide-rgb.py'  # noqa: E501
]

model = dict(cls_head=dict(num_blocks=0))
