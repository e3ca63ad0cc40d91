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
    # W3 over TSM at the sizes of Table 1/6 (TSM-R50, 224x224, 8 and 16
    # frames; the recipe's clips per GPU: 8 and 6). Measures the W3 modules
    # and the feature refinement; stage 2 (MFR) adds a teacher forward to
    # the training step.
    'w3': [
        dict(
            name=f'{name} {frames}x224x224',
            config=f'configs/w3/{prefix}_imagenet-pretrained-r50_'
            f'8xb{batch}-1x1x{frames}-50e_sthv1-rgb.py',
            shape=(1, frames, 3, 224, 224),
            batch=batch) for frames, batch in ((8, 8), (16, 6))
        for name, prefix in (('TSM-R50', 'tsm'), ('TSM-R50+W3', 'w3'))
    ],
}
