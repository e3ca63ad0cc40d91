# DualScope on AIDE with the reading of the SATPM that comes closest to the
# paper's 12.36 M parameters (Table 3): one BiMamba per interleaved
# subsequence ("each subsequence is independently modeled by BiMamba") and
# BiMamba as two independent Mambas (own in/out projections per direction):
# 12.08 M parameters, 0.152 G multiply-adds per 16-frame clip. See
# configs/dualscope/README.md, "Readings of the paper".
_base_ = [
    './dualscope_clip-pretrained-vit-large-p14-feat_1xb32-16x1x1-100e_aide-rgb.py'  # noqa: E501
]

model = dict(
    cls_head=dict(
        mamba_per_subsequence=True, mamba_cfg=dict(share_proj=False)))
