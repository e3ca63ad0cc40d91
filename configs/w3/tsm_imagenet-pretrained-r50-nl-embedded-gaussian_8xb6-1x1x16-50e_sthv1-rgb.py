# TSM + non-local blocks (mmaction2's `non_local` option of ResNetTSM, the
# placement of its Kinetics TSM-NL configs: 5 blocks in stages 2-3),
# Something-Something V1, 16 frames. Paper: Table 6 "+NL" 49.8 top-1,
# 115 GFLOPs.
_base_ = ['./tsm_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        non_local=((0, 0, 0), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 0, 0)),
        non_local_cfg=dict(
            sub_sample=True,
            use_scale=False,
            norm_cfg=dict(type='BN3d', requires_grad=True),
            mode='embedded_gaussian')))
