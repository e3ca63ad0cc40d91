# Copyright (c) mmvb contributors. All rights reserved.
"""Named benchmark sets for ``tools/analysis/benchmark.py --preset NAME``.

Each entry: ``config`` (path from the repository root), ``shape`` (input in
the layout after the data preprocessor; its batch entry is replaced by the
entry's ``batch``), ``batch`` and a short ``name``; optionally
``frames_per_sample`` (frames per input sample, to report frames/s). Methods
add their sets here (paper configs at paper input sizes).
"""
_DUALSCOPE = 'configs/dualscope/dualscope_clip-pretrained-vit-large-p14'

PRESETS = {
    # The `make demo` model at its training size and at the paper size.
    'demo': [
        dict(
            name='TSM-R18 8x32x32',
            config='configs/synthetic/'
            'tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py',
            shape=(1, 8, 3, 32, 32),
            batch=16),
        dict(
            name='TSM-R18 8x224x224',
            config='configs/synthetic/'
            'tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py',
            shape=(1, 8, 3, 224, 224),
            batch=2),
    ],
    # BMViT (configs/bmvit): the paper's main model at the paper's batch per
    # GPU (2) and at 8, the Table 2a model with MViT's last pooling kept,
    # and the CPU model of the synthetic set. "train" is a full step with
    # the Hungarian matching; "infer" is backbone + heads.
    'bmvit': [
        dict(
            name='BMViT MViT-S 16x256 nopool b2',
            config='configs/bmvit/bmvit_kinetics400-pretrained-'
            'mvit-small-nopool_8xb2-16x4x1-25e_ava22-rgb-256px.py',
            shape=(1, 3, 16, 256, 256),
            batch=2),
        dict(
            name='BMViT MViT-S 16x256 nopool b8',
            config='configs/bmvit/bmvit_kinetics400-pretrained-'
            'mvit-small-nopool_8xb2-16x4x1-25e_ava22-rgb-256px.py',
            shape=(1, 3, 16, 256, 256),
            batch=8),
        dict(
            name='BMViT MViT-S 16x256 pool b8',
            config='configs/bmvit/bmvit_kinetics400-pretrained-'
            'mvit-small-pool_8xb2-16x4x1-25e_ava22-rgb-256px.py',
            shape=(1, 3, 16, 256, 256),
            batch=8),
        dict(
            name='BMViT tiny-p8 8x96 (synthetic)',
            config='configs/bmvit/bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_'
            'synthetic-ava-rgb-96px.py',
            shape=(1, 3, 8, 96, 96),
            batch=8),
    ],
    # DATAR (the paper default, DAT-B layout) vs the AST baseline on AST's
    # 128 x 1024 log-mel input (configs/datar/README.md).
    'datar': [
        dict(
            name='DATAR-B 128x1024',
            config='configs/datar/'
            'datar_in1k-pretrained-dat-b_8xb12-50e_vggsound-audio.py',
            shape=(1, 1, 1, 128, 1024),
            batch=8),
        dict(
            name='AST-B s10 128x1024',
            config='configs/datar/'
            'ast_in1k-pretrained-deit-b_8xb12-50e_vggsound-audio.py',
            shape=(1, 1, 1, 128, 1024),
            batch=8),
    ],
    # DualScope: the temporal scope + classifier on cached CLIP ViT-L/14
    # features of 16-frame clips (clips/s; the fast path with a frozen
    # encoder), the whole model end to end from 16 frames of 224 x 224
    # (clips/s and frames/s, Table 3's FPS), and the synthetic CPU model.
    'dualscope': [
        dict(
            name='DualScope temporal scope 16x1024',
            config=f'{_DUALSCOPE}-feat_1xb32-16x1x1-100e_aide-rgb.py',
            shape=(1, 1, 16, 1024),
            batch=32,
            frames_per_sample=16),
        dict(
            name='DualScope e2e ViT-L/14 16x224',
            config=f'{_DUALSCOPE}_1xb8-16x1x1-100e_aide-rgb.py',
            shape=(1, 1, 3, 16, 224, 224),
            batch=1,
            frames_per_sample=16),
        dict(
            name='DualScope synthetic R18-tiny 16x32',
            config='configs/dualscope/'
            'dualscope_r18-tiny_1xb16-16x1x1-20e_synthetic-driver-rgb.py',
            shape=(1, 1, 3, 16, 32, 32),
            batch=16,
            frames_per_sample=16),
    ],
    # InstBlink network forward on one 36-frame 640x360 clip (padded to
    # 640x384), as the paper's 112 FPS on an RTX 3090 (Sec. 5.1, Table 3).
    # Inference only: python tools/analysis/benchmark.py --preset instblink
    # --mode infer [--device cuda --dtype bf16]
    'instblink': [
        dict(
            name='InstBlink-R50 36x384x640',
            config='configs/instblink/instblink_ytvis19-pretrained-'
            'tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py',
            shape=(1, 36, 3, 384, 640),
            batch=1,
            frames_per_sample=36),
    ],
    # W3 over TSM at the sizes of Table 1/6 (TSM-R50, 224x224, 8 and 16
    # frames; the recipe's clips per GPU: 8 and 6). Measures the W3 modules
    # and the feature refinement; stage 2 (MFR) adds a teacher forward to
    # the training step.
    # W3 with its default depthwise temporal convolutions and with the dense
    # reading (configs/w3/README.md, "Readings of the paper").
    'w3': [
        dict(
            name=f'{name} {frames}x224x224',
            config=f'configs/w3/{prefix}_imagenet-pretrained-r50{variant}_'
            f'8xb{batch}-1x1x{frames}-50e_sthv1-rgb.py',
            shape=(1, frames, 3, 224, 224),
            batch=batch,
            frames_per_sample=frames) for frames, batch in ((8, 8), (16, 6))
        for name, prefix, variant in (('TSM-R50', 'tsm', ''), ('TSM-R50+W3',
                                                               'w3', ''),
                                      ('TSM-R50+W3 dense', 'w3',
                                       '-dense-tconv'))
    ],
}
