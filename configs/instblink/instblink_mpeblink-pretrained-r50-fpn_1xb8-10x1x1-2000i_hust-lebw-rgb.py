# InstBlink fine-tuned on HUST-LEBW (Table 4, "InstBlink (Ours)" trained on
# HUST-LEBW). The paper gives no schedule for this; ours: start from the
# MPEblink model, 2k iterations of 8 trimmed 10-frame samples, lr 2.5e-5
# (backbone x0.1), every frame of a blink sample labelled blink (HUST-LEBW
# labels samples, not frames). Train on the training lists and test on the
# test lists (two copies of the release under data/hust_lebw/{train,test}).
_base_ = [
    './instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb.py',
    '../_base_/datasets/hust-lebw.py'
]

load_from = 'work_dirs/instblink_ytvis19-pretrained-tevit-r50-fpn_2xb4-11x1x1-10000i_mpeblink-rgb/iter_10000.pth'

train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        _delete_=True,
        type='HUSTLEBWDataset',
        ann_file='data/hust_lebw/train',
        eye='left',
        pipeline={{_base_.hust_train_pipeline}}))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = dict(
    _delete_=True,
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='HUSTLEBWDataset',
        ann_file='data/hust_lebw/test',
        eye='both',
        pipeline={{_base_.hust_test_pipeline}},
        test_mode=True))
test_evaluator = {{_base_.hust_test_evaluator}}

train_cfg = dict(type='IterBasedTrainLoop', max_iters=2000, val_interval=0)
optim_wrapper = dict(optimizer=dict(lr=2.5e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        milestones=[1500],
        gamma=0.1,
        begin=0,
        end=2000)
]
default_hooks = dict(checkpoint=dict(interval=1000))
auto_scale_lr = dict(enable=False, base_batch_size=8)
