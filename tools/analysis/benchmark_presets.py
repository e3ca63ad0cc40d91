# Copyright (c) mmvb contributors. All rights reserved.
"""Named benchmark sets for ``tools/analysis/benchmark.py --preset NAME``.

Each entry: ``config`` (path from the repository root), ``shape`` (input in
the layout after the data preprocessor; its batch entry is replaced by the
entry's ``batch``), ``batch`` and a short ``name``. Methods add their sets
here (paper configs at paper input sizes).
"""

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
            name='BMViT tiny 8x96 (synthetic)',
            config='configs/bmvit/bmvit_mvit-tiny-nopool_1xb8-8x2x1-25e_'
            'synthetic-ava-rgb-96px.py',
            shape=(1, 3, 8, 96, 96),
            batch=8),
    ],
}
