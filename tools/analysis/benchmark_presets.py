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
    # DATAR (the paper default, DAT-B layout) vs the AST baseline on AST's
    # 128 x 1024 log-mel input (configs/datar/README.md).
    'datar': [
        dict(
            name='DATAR-B 128x1024',
            config='configs/datar/'
            'datar_dat-b-in1k-pre_8xb12-50e_vggsound-audio.py',
            shape=(1, 1, 1, 128, 1024),
            batch=8),
        dict(
            name='AST-B s10 128x1024',
            config='configs/datar/'
            'ast_deit-b-in1k-pre_8xb12-50e_vggsound-audio.py',
            shape=(1, 1, 1, 128, 1024),
            batch=8),
    ],
}
