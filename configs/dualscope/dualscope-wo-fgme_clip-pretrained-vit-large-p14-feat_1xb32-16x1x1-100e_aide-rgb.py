# Table 4 ablation on AIDE: w/o FGME: a linear map replaces FGME's temporal
# convolution.
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_aide-rgb.py'  # noqa: E501
]

model = dict(cls_head=dict(with_fgme=False))
