# Copyright (c) mmvb contributors. All rights reserved.
"""The models of ``tools/analysis/gpu_check.py``: each method's main paper
config at the paper's input size and per-GPU batch.

Each entry:

* ``key`` (short id), ``name``, ``config`` (path from the repository root);
* ``inputs``: ``'frames'`` (uint8 frames, as the data loader hands them to
  the data preprocessor) or ``'tensor'`` (the float tensor of
  :func:`mmvb.testing.demo_inputs`: log-mel fbanks, cached features);
* ``train`` / ``infer``: ``batch``, ``shape`` (the layout the data
  preprocessor takes, batched; the batch entry is replaced by ``batch``)
  and optionally ``frames`` (frames per sample, to report frames/s);
* ``probes`` (optional): ``{label: 'attribute.path'}`` of callables timed
  inside the training step (synchronised before and after each call);
* ``tiny``: what ``--tiny`` changes: ``cfg_options`` (merged into the config
  as ``--cfg-options`` would be) and its own ``train`` / ``infer`` sizes.
"""

_W3 = 'configs/w3/{}_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py'
_DATAR = 'configs/datar/{}_in1k-pretrained-{}_8xb12-50e_vggsound-audio.py'
_DUALSCOPE = 'configs/dualscope/dualscope_clip-pretrained-vit-large-p14'

# R18 instead of R50 (same TSM/W3 code paths, 8 segments of 32x32).
_TINY_TSM = dict(
    cfg_options={
        'model.backbone.depth': 18,
        'model.cls_head.in_channels': 512
    },
    train=dict(batch=2, shape=(1, 8, 3, 32, 32), frames=8),
    infer=dict(batch=2, shape=(1, 8, 3, 32, 32), frames=8))
# The DualScope temporal scope at width 32 on 64-d features.
_TINY_DUALSCOPE_HEAD = {
    'model.cls_head.in_channels': 64,
    'model.cls_head.embed_dims': 32,
    'model.cls_head.feedforward_channels': 64
}

GPU_CHECK_MODELS = [
    # InstBlink (configs/instblink): training on the paper's 11-frame
    # 640x360 clips, 4 per GPU; inference on one 36-frame clip (the paper's
    # speed setting, Sec. 5.1), padded to 640x384 by the data preprocessor.
    dict(
        key='instblink',
        name='InstBlink R50-FPN',
        config='configs/instblink/instblink_imagenet-pretrained-r50-fpn_'
        '2xb4-11x1x1-10000i_mpeblink-rgb.py',
        inputs='frames',
        train=dict(batch=4, shape=(1, 11, 3, 360, 640), frames=11),
        infer=dict(batch=1, shape=(1, 36, 3, 360, 640), frames=36),
        # the Hungarian step of all head iterations at once (on the host),
        # and the matching costs of each iteration (on the device)
        probes=dict(
            matcher='head.matcher.assign',
            matcher_cost='head.matcher.compute_cost'),
        tiny=dict(
            cfg_options={
                'model.backbone.depth': 18,
                'model.backbone.stem_channels': 16,
                'model.backbone.base_channels': 16,
                'model.neck.in_channels': [16, 32, 64, 128],
                'model.neck.out_channels': 32,
                'model.head.num_queries': 5,
                'model.head.num_stages': 2,
                'model.head.embed_dims': 32,
                'model.head.num_heads': 4,
                'model.head.feedforward_channels': 64,
                'model.head.dynamic_conv_channels': 8
            },
            train=dict(batch=2, shape=(1, 3, 3, 64, 96), frames=3),
            infer=dict(batch=1, shape=(1, 4, 3, 64, 96), frames=4))),
    # BMViT (configs/bmvit): MViTv2-S without its last pooling, 16x256x256
    # clips, 2 per GPU; the Hungarian matching is timed inside the step.
    dict(
        key='bmvit',
        name='BMViT MViT-S nopool',
        config='configs/bmvit/bmvit_kinetics400-pretrained-mvit-small-'
        'nopool_8xb2-16x4x1-25e_ava22-rgb-256px.py',
        inputs='frames',
        train=dict(batch=2, shape=(1, 3, 16, 256, 256), frames=16),
        infer=dict(batch=2, shape=(1, 3, 16, 256, 256), frames=16),
        probes=dict(matcher='head.matcher'),
        tiny=dict(
            cfg_options={
                'model.backbone.arch':
                dict(
                    _delete_=True,
                    embed_dims=32,
                    num_layers=4,
                    num_heads=1,
                    downscale_indices=[1, 3]),
                'model.backbone.spatial_size':
                64,
                'model.backbone.temporal_size':
                8,
                'model.backbone.patch_cfg':
                dict(
                    kernel_size=(3, 8, 8), stride=(2, 8, 8),
                    padding=(1, 0, 0)),
                'model.backbone.adaptive_kv_stride': (1, 4, 4),
                'model.head.in_channels':
                128,
                'model.head.embed_dims':
                64
            },
            train=dict(batch=2, shape=(1, 3, 8, 64, 64), frames=8),
            infer=dict(batch=2, shape=(1, 3, 8, 64, 64), frames=8))),
    # DATAR-B and the AST-B baseline (configs/datar) on AST's 128 x 1024
    # log-mel input, 12 clips per GPU each (equal batch).
    dict(
        key='datar',
        name='DATAR-B',
        config=_DATAR.format('datar', 'dat-b'),
        inputs='tensor',
        train=dict(batch=12, shape=(1, 1, 1, 128, 1024)),
        infer=dict(batch=12, shape=(1, 1, 1, 128, 1024)),
        tiny=dict(
            cfg_options={
                'model.backbone.arch':
                dict(
                    _delete_=True,
                    embed_dims=[16, 32, 48, 64],
                    depths=[1, 1, 2, 2],
                    num_heads=[1, 2, 3, 4],
                    num_groups=[1, 1, 1, 2]),
                'model.backbone.input_size': (64, 96),
                'model.backbone.window_size':
                4,
                'model.backbone.stage_specs': ['L', 'S', 'LD', 'LD'],
                'model.cls_head.in_channels':
                64
            },
            train=dict(batch=2, shape=(1, 1, 1, 64, 96)),
            infer=dict(batch=2, shape=(1, 1, 1, 64, 96)))),
    dict(
        key='ast',
        name='AST-B (DeiT-B)',
        config=_DATAR.format('ast', 'deit-b'),
        inputs='tensor',
        train=dict(batch=12, shape=(1, 1, 1, 128, 1024)),
        infer=dict(batch=12, shape=(1, 1, 1, 128, 1024)),
        tiny=dict(
            cfg_options={
                'model.backbone.arch':
                dict(
                    _delete_=True,
                    embed_dims=32,
                    num_layers=2,
                    num_heads=2,
                    feedforward_channels=64),
                'model.backbone.input_size': (64, 96),
                'model.cls_head.in_channels':
                32
            },
            train=dict(batch=2, shape=(1, 1, 1, 64, 96)),
            infer=dict(batch=2, shape=(1, 1, 1, 64, 96)))),
    # W3 over its TSM-R50 baseline (configs/w3), 8 segments of 224x224,
    # 8 clips per GPU.
    dict(
        key='tsm',
        name='TSM-R50 8f',
        config=_W3.format('tsm'),
        inputs='frames',
        train=dict(batch=8, shape=(1, 8, 3, 224, 224), frames=8),
        infer=dict(batch=8, shape=(1, 8, 3, 224, 224), frames=8),
        tiny=_TINY_TSM),
    dict(
        key='w3',
        name='W3 TSM-R50 8f',
        config=_W3.format('w3'),
        inputs='frames',
        train=dict(batch=8, shape=(1, 8, 3, 224, 224), frames=8),
        infer=dict(batch=8, shape=(1, 8, 3, 224, 224), frames=8),
        tiny=_TINY_TSM),
    # DualScope (configs/dualscope): the temporal scope on cached CLIP
    # ViT-L/14 features of 16-frame clips (32 per GPU), and the whole model
    # end to end from 16 frames of 224x224 (frozen encoder, 8 per GPU).
    dict(
        key='dualscope_feat',
        name='DualScope temporal scope (cached features)',
        config=f'{_DUALSCOPE}-feat_1xb32-16x1x1-100e_aide-rgb.py',
        inputs='tensor',
        train=dict(batch=32, shape=(1, 1, 16, 1024), frames=16),
        infer=dict(batch=32, shape=(1, 1, 16, 1024), frames=16),
        tiny=dict(
            cfg_options=_TINY_DUALSCOPE_HEAD,
            train=dict(batch=2, shape=(1, 1, 16, 64), frames=16),
            infer=dict(batch=2, shape=(1, 1, 16, 64), frames=16))),
    dict(
        key='dualscope_e2e',
        name='DualScope end to end (ViT-L/14)',
        config=f'{_DUALSCOPE}_1xb8-16x1x1-100e_aide-rgb.py',
        inputs='frames',
        train=dict(batch=8, shape=(1, 1, 3, 16, 224, 224), frames=16),
        infer=dict(batch=8, shape=(1, 1, 3, 16, 224, 224), frames=16),
        tiny=dict(
            cfg_options={
                'model.backbone.arch':
                dict(
                    _delete_=True,
                    embed_dims=64,
                    num_layers=2,
                    num_heads=2,
                    feedforward_channels=128),
                'model.backbone.img_size':
                28,
                **_TINY_DUALSCOPE_HEAD
            },
            train=dict(batch=2, shape=(1, 1, 3, 16, 28, 28), frames=16),
            infer=dict(batch=2, shape=(1, 1, 3, 16, 28, 28), frames=16))),
]
