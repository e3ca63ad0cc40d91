# Copyright (c) mmvb contributors. All rights reserved.
"""The offline DualScope tools, without mmpose or segment-anything."""
import importlib.util
import os.path as osp

import cv2
import numpy as np
import pytest

from mmvb.datasets import RegionTokenCache
from mmvb.datasets.driver_regions import WHOLEBODY_LEFT_HAND

TOOLS = osp.join(osp.dirname(__file__), '..', '..', 'tools', 'dualscope')


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(TOOLS, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _images(root, n=3):
    for i in range(n):
        sub = 'a' if i < 2 else 'b'
        path = osp.join(root, sub, f'{i}.jpg')
        import os
        os.makedirs(osp.dirname(path), exist_ok=True)
        cv2.imwrite(path, np.full((40, 60, 3), 30 * i, np.uint8))


def test_extract_keypoints_with_a_fake_estimator(tmp_path):
    tool = _load('extract_keypoints')
    root = tmp_path / 'images'
    _images(str(root))
    assert tool.list_images(str(root)) == ['a/0.jpg', 'a/1.jpg', 'b/2.jpg']
    calls = []

    def estimator(path, width, height):
        calls.append((osp.basename(path), width, height))
        kpts, scores = np.zeros((133, 2)), np.zeros(133)
        kpts[[0, 1]] = [(10, 10), (20, 20)]
        scores[[0, 1]] = 0.9
        if len(calls) == 2:  # the second image also shows a left hand
            kpts[list(WHOLEBODY_LEFT_HAND[:3])] = [(30, 30), (35, 32),
                                                   (33, 36)]
            scores[list(WHOLEBODY_LEFT_HAND[:3])] = 0.8
        return kpts, scores

    out = tmp_path / 'boxes.json'
    stats = tool.extract_region_boxes(
        str(root), str(out), estimator, progress=False)
    assert calls[0] == ('0.jpg', 60, 40)
    assert stats == dict(
        images=3, valid_head=3, valid_left_hand=1, valid_right_hand=0)
    import json
    data = json.load(open(out))
    assert data['metainfo']['regions'] == ['head', 'left_hand', 'right_hand']
    assert data['data_list'][1]['valid'] == [True, True, False]
    assert data['data_list'][1]['img_path'] == 'a/1.jpg'


def test_extract_sam_tokens_with_a_fake_encoder(tmp_path):
    kp_tool, sam_tool = _load('extract_keypoints'), _load('extract_sam_tokens')
    root = tmp_path / 'images'
    _images(str(root))

    def estimator(path, width, height):
        kpts, scores = np.zeros((133, 2)), np.zeros(133)
        kpts[[0, 1, 9]] = [(10, 10), (20, 20), (40, 30)]
        scores[[0, 1, 9]] = 0.9
        return kpts, scores

    kp_tool.extract_region_boxes(
        str(root), str(tmp_path / 'boxes.json'), estimator, progress=False)
    seen = []

    def encoder(rgb, boxes):
        seen.append((rgb.shape, boxes.shape))
        return boxes[:, :1] + np.arange(8)[None]  # [n, 8] from x1

    stats = sam_tool.extract_region_tokens(
        str(root),
        str(tmp_path / 'boxes.json'),
        str(tmp_path / 'tokens.npz'),
        encoder,
        progress=False,
        meta=dict(sam_model_type='fake'))
    assert stats == dict(images=3, regions=6)
    assert seen[0] == ((40, 60, 3), (2, 4))  # valid boxes only
    cache = RegionTokenCache(str(tmp_path / 'tokens.npz'))
    item = cache.get('b/2.jpg')
    assert item['valid'].tolist() == [True, True, False]
    np.testing.assert_allclose(
        item['tokens'][0], item['boxes'][0, 0] + np.arange(8), atol=0.1)
    assert (item['tokens'][2] == 0).all()
    assert cache.meta['sam_model_type'] == 'fake'
    assert 'first mask token' in cache.meta['token_slot']


@pytest.mark.parametrize('name,module,argv', [
    ('extract_keypoints', 'mmpose',
     ['imgs', 'out.json', '--checkpoint', 'x.pth']),
    ('extract_sam_tokens', 'segment_anything',
     ['imgs', 'b.json', 'o.npz', '--checkpoint', 'sam.pth']),
])
def test_tools_explain_missing_optional_dependency(name, module, argv,
                                                   monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, module, None)  # import fails
    tool = _load(name)
    with pytest.raises(SystemExit, match='needs .*pip install'):
        tool.main(argv)
