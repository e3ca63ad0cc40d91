# Copyright (c) mmvb contributors. All rights reserved.
"""Named benchmark sets for ``tools/analysis/benchmark.py --preset NAME``.

Each entry: ``config`` (path from the repository root), ``shape`` (input in
the layout after the data preprocessor; its batch entry is replaced by the
entry's ``batch``), ``batch`` and a short ``name``; optional ``frames`` (frames
per sample) adds a frames-per-second column. Methods add their sets here
(paper configs at paper input sizes).
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
    # InstBlink network forward on one 36-frame 640x360 clip (padded to
    # 640x384), as the paper's 112 FPS on an RTX 3090 (Sec. 5.1, Table 3).
    # Inference only: python tools/analysis/benchmark.py --preset instblink
    # --mode infer [--device cuda --dtype bf16]
    'instblink': [
        dict(
            name='InstBlink-R50 36x384x640',
            config='configs/instblink/'
            'instblink_r50-fpn_2xb4-11f-10k_mpeblink.py',
            shape=(1, 36, 3, 384, 640),
            batch=1,
            frames=36),
    ],
}
