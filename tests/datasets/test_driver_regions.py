# Copyright (c) mmvb contributors. All rights reserved.
import json

import numpy as np
import pytest
from mmengine.registry import DefaultScope

from mmvb.datasets import (DriPEDataset, RegionTokenCache, dump_region_boxes,
                           save_region_tokens, wholebody_region_boxes)
from mmvb.datasets.synthetic import generate_driver_regions_dataset


@pytest.fixture(autouse=True)
def _mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


def _wholebody(points):
    kpts = np.zeros((133, 2))
    scores = np.zeros(133)
    for i, (x, y) in points.items():
        kpts[i] = (x, y)
        scores[i] = 0.9
    return kpts, scores


def test_wholebody_region_boxes_by_hand():
    # Minimum side: 1/8 of min(320, 240) = 30.
    # Head: nose (100, 50) and the face point 30 at (120, 90): tight box
    # [100, 50, 120, 90], centre (110, 70), 20 x 40 -> x1.5: 30 x 60.
    # Left hand: points 91 (200, 200) and 95 (210, 220): 10 x 20 -> x2:
    # 20 x 40 -> at least 30 wide: 30 x 40 around (205, 210).
    # Right hand: only the right wrist (10) visible -> 30 x 30 box at it.
    kpts, scores = _wholebody({
        0: (100, 50),
        30: (120, 90),
        91: (200, 200),
        95: (210, 220),
        10: (300, 230)
    })
    scores[112:] = 0.1  # right-hand points below the threshold
    boxes, valid = wholebody_region_boxes(
        kpts, scores, (320, 240), head_scale=1.5, hand_scale=2.0)
    assert valid.tolist() == [True, True, True]
    np.testing.assert_allclose(boxes[0], [95, 40, 125, 100])
    np.testing.assert_allclose(boxes[1], [190, 190, 220, 230])
    # Clipped to the image (y2 = 245 -> 240).
    np.testing.assert_allclose(boxes[2], [285, 215, 315, 240])


def test_wholebody_region_boxes_invalid_regions():
    kpts, scores = _wholebody({0: (10, 10), 1: (20, 20)})
    boxes, valid = wholebody_region_boxes(kpts, scores, (100, 100))
    assert valid.tolist() == [True, False, False]
    assert (boxes[1:] == 0).all()
    with pytest.raises(AssertionError, match='COCO-WholeBody'):
        wholebody_region_boxes(np.zeros((17, 2)), np.zeros(17), (10, 10))


def test_token_cache_round_trip_and_errors(tmp_path):
    rng = np.random.default_rng(0)
    tokens = rng.normal(size=(2, 3, 256)).astype(np.float32)
    boxes = rng.uniform(0, 50, size=(2, 3, 4)).astype(np.float32)
    valid = np.array([[1, 1, 0], [1, 0, 1]], bool)
    path = str(tmp_path / 'tokens.npz')
    save_region_tokens(path, ['a.jpg', 'b/c.jpg'], tokens, boxes, valid,
                       dict(sam_model_type='vit_b'))
    cache = RegionTokenCache(path)
    assert len(cache) == 2 and 'b/c.jpg' in cache and cache.token_dims == 256
    assert cache.meta['sam_model_type'] == 'vit_b'
    assert cache.meta['regions'] == ['head', 'left_hand', 'right_hand']
    item = cache.get('b/c.jpg')
    np.testing.assert_allclose(item['tokens'], tokens[1], atol=2e-3)
    assert item['tokens'].dtype == np.float32
    np.testing.assert_array_equal(item['boxes'], boxes[1])
    np.testing.assert_array_equal(item['valid'], valid[1])
    with pytest.raises(KeyError, match='not in the token cache'):
        cache.get('missing.jpg')
    with pytest.raises(ValueError, match='unique'):
        save_region_tokens(path, ['a', 'a'], tokens, boxes, valid)
    with pytest.raises(ValueError, match='tokens must be'):
        save_region_tokens(path, ['a', 'b'], tokens[:, :2], boxes, valid)
    np.savez(tmp_path / 'other.npz', x=np.zeros(2))
    with pytest.raises(ValueError, match='not a region-token cache'):
        RegionTokenCache(str(tmp_path / 'other.npz'))


def _pipeline(size=56):
    return [
        dict(type='LoadImageFromFile'),
        dict(type='mmcv.Resize', scale=(size, size), keep_ratio=False),
        dict(type='PackRegionInputs')
    ]


def test_dripe_dataset_on_generated_files(tmp_path):
    files = generate_driver_regions_dataset(
        str(tmp_path),
        num_train=6,
        size=112,
        p_hidden=0.5,
        seed=3,
        progress=False)
    assert set(files) == {'train_boxes', 'train_tokens'}
    ds = DriPEDataset(
        ann_file='train_boxes.json',
        token_file='train_sam_tokens.npz',
        data_root=str(tmp_path),
        pipeline=_pipeline())
    assert len(ds) == 6
    ann = json.load(open(tmp_path / 'train_boxes.json'))['data_list']
    out = ds[2]
    assert out['inputs'].shape == (3, 56, 56)
    sample = out['data_samples']
    # Boxes follow the resize (112 -> 56).
    np.testing.assert_allclose(
        sample.region_boxes.numpy(),
        np.asarray(ann[2]['boxes']) / 2,
        atol=1e-2)
    assert sample.region_valid.tolist() == ann[2]['valid']
    assert sample.region_tokens.shape == (3, 256)
    assert sample.img_id == ann[2]['img_path']
    # Hidden hands have zero tokens.
    hidden = ~sample.region_valid
    assert (sample.region_tokens[hidden] == 0).all()


def test_dripe_dataset_checks_consistency(tmp_path):
    items = [
        dict(
            img_path='x.jpg',
            width=10,
            height=10,
            boxes=[[0, 0, 5, 5]] * 3,
            valid=[True, False, False])
    ]
    dump_region_boxes(str(tmp_path / 'boxes.json'), items)
    tokens = np.zeros((1, 3, 4), np.float32)
    shifted = np.asarray([[[3, 0, 8, 5]] * 3], np.float32)
    save_region_tokens(
        str(tmp_path / 'tokens.npz'), ['x.jpg'], tokens, shifted,
        np.ones((1, 3), bool))
    kwargs = dict(
        ann_file='boxes.json',
        token_file='tokens.npz',
        data_root=str(tmp_path),
        lazy_init=True)
    with pytest.raises(ValueError, match='re-extract the SAM tokens'):
        DriPEDataset(**kwargs).full_init()
    save_region_tokens(
        str(tmp_path / 'tokens.npz'), ['y.jpg'], tokens, shifted,
        np.ones((1, 3), bool))
    with pytest.raises(KeyError, match='extract_sam_tokens.py'):
        DriPEDataset(**kwargs).full_init()
    # Images below min_valid_regions are skipped.
    save_region_tokens(
        str(tmp_path / 'tokens.npz'), ['x.jpg'], tokens,
        np.asarray([[[0, 0, 5, 5]] * 3], np.float32), np.ones((1, 3), bool))
    assert len(DriPEDataset(**dict(kwargs, lazy_init=False))) == 1
    with pytest.raises(ValueError, match='at least 2 valid regions'):
        DriPEDataset(**dict(kwargs, lazy_init=False, min_valid_regions=2))
