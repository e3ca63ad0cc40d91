# HUST-LEBW trimmed samples (face crops of the pre-processed release used by
# wenzhengzeng/blink_eyelid) under data/hust_lebw/check/. Each sample is a
# 10-frame clip with one face covering the crop, rescaled keeping its ratio
# (mmcv: short edge <= 360, long edge <= 640).
hust_type = 'HUSTLEBWDataset'
hust_root = 'data/hust_lebw'
hust_img_size = (640, 360)

hust_train_pipeline = [
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=hust_img_size, keep_ratio=True),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackMPEblinkInputs')
]
hust_test_pipeline = [
    dict(type='RawFrameDecode'),
    dict(type='Resize', scale=hust_img_size, keep_ratio=True),
    dict(type='FormatShape', input_format='NCHW'),
    dict(
        type='PackMPEblinkInputs',
        meta_keys=('img_shape', 'scale_factor', 'blink_label', 'sample_index',
                   'eye'))
]
# 'both': every sample is evaluated for the left- and the right-eye label
# (InstBlink predicts one blink score per face; Table 4 reports "Both").
hust_test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=hust_type,
        ann_file=hust_root,
        eye='both',
        pipeline=hust_test_pipeline,
        test_mode=True))
hust_test_evaluator = dict(_delete_=True, type='HUSTLEBWMetric', blink_thr=0.3)
