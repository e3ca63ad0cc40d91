# InstBlink ablation (Table 5): w/o the filter operation in VIM (the RoI
# features are projected to the query directly).
_base_ = ['./instblink_r50-fpn_2xb4-11f-10k_mpeblink.py']

model = dict(head=dict(vim_filter=False))
