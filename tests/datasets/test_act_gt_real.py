# Copyright (c) mmvb contributors. All rights reserved.
"""ACT ground truth on published files: MMAction2's ACT-layout pickle and
the corrected UCF101-24 annotations (tests/data/README.md names the
sources). Expected values were read by hand from the files."""
import os
import os.path as osp
import pickle
import shutil

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmvb.datasets import ActionTubeDataset, load_act_gt
from mmvb.datasets.act_gt import (act_gt_from_pyannot, clean_act_gt,
                                  convert_act_release)
from mmvb.datasets.annotation_io import AnnotationError

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'tests', 'data')
MULTISPORTS = osp.join(DATA, 'act_gt', 'mmaction2_multisports_gt.pkl')
PYANNOT = osp.join(DATA, 'ucf101_24', 'pyannot_with_class_names_excerpt.pkl')


def test_mmaction2_act_pickle(tmp_path):
    # MMAction2's copy has no train_videos (a test-only file): named error
    with pytest.raises(AnnotationError) as err:
        load_act_gt(MULTISPORTS)
    assert (err.value.path, err.value.key) == (MULTISPORTS, 'train_videos')
    with open(MULTISPORTS, 'rb') as f:
        gt = pickle.load(f, encoding='latin1')
    gt['train_videos'] = [[]]
    path = str(tmp_path / 'gt.pkl')
    with open(path, 'wb') as f:
        pickle.dump(gt, f)
    gt = clean_act_gt(load_act_gt(path))
    video = 'aerobic_gymnastics/v_crsi07chcV8_c004'
    assert gt['labels'][:2] == ['aerobic push up', 'aerobic explosive push up']
    assert gt['test_videos'] == [[video]]
    assert gt['nframes'] == {video: 725}
    assert gt['resolution'] == {video: (720, 1280)}
    tube = gt['gttubes'][video][10][0]
    np.testing.assert_allclose(tube[0], [288, 562, 361, 656, 600])
    np.testing.assert_allclose(tube[1], [289, 556, 357, 699, 598])
    assert gt['stats'] == dict(
        rows_out_of_range=0, boxes_clipped=0, rows_empty=0, tubes_dropped=0)


def test_ucf101_24_corrected_annotations():
    gt = act_gt_from_pyannot(PYANNOT)
    assert len(gt['labels']) == 24
    assert gt['labels'][:2] == ['Basketball', 'BasketballDunk']
    assert gt['train_videos'] == [['Basketball/v_Basketball_g12_c01']]
    assert gt['test_videos'] == [[
        'Basketball/v_Basketball_g01_c01', 'Basketball/v_Basketball_g02_c01'
    ]]
    # numf is stored as uint8 (141, 53) or uint16 (277)
    assert gt['nframes'] == {
        'Basketball/v_Basketball_g01_c01': 141,
        'Basketball/v_Basketball_g02_c01': 53,
        'Basketball/v_Basketball_g12_c01': 277
    }
    assert all(isinstance(n, int) for n in gt['nframes'].values())
    # sf = 8, ef = 52: 1-based frames 9..52; (x, y, w, h) = (189, 102, 47, 78)
    tube = gt['gttubes']['Basketball/v_Basketball_g01_c01'][0][0]
    assert tube.shape == (44, 5)
    np.testing.assert_array_equal(tube[0], [9, 189, 102, 236, 180])
    np.testing.assert_array_equal(tube[-1], [52, 193, 84, 236, 180])
    # uint8 boxes: x + w = 197 + 109 = 306 would wrap around to 50
    tube = gt['gttubes']['Basketball/v_Basketball_g02_c01'][0][0]
    np.testing.assert_array_equal(tube[0], [27, 197, 73, 306, 238])
    np.testing.assert_array_equal(tube[-1], [44, 208, 34, 296, 239])
    tubes = gt['gttubes']['Basketball/v_Basketball_g12_c01'][0]
    assert [(int(t[0, 0]), int(t[-1, 0])) for t in tubes] == [(5, 43),
                                                              (72, 111),
                                                              (137, 169),
                                                              (201, 239)]


def test_ucf101_24_converted_and_loaded(tmp_path):
    """``convert_act_gt.py ucf101_24 ROOT --gt pyannot_...pkl`` path: the
    converted file feeds ActionTubeDataset."""
    root = tmp_path / 'ucf101_24'
    for video, num in (('Basketball/v_Basketball_g01_c01',
                        141), ('Basketball/v_Basketball_g02_c01', 53),
                       ('Basketball/v_Basketball_g12_c01', 277)):
        os.makedirs(root / 'rgb-images' / video)
        for i in (1, num):
            open(root / 'rgb-images' / video / f'{i:05d}.jpg', 'wb').close()
    shutil.copy(PYANNOT, root / 'pyannot.pkl')
    summary = convert_act_release(
        str(root / 'pyannot.pkl'), str(root / 'gt.pkl'),
        str(root / 'rgb-images'))
    assert summary['num_classes'] == 24 and summary['num_tubes'] == 6
    assert (summary['train_videos'], summary['test_videos']) == ([1], [2])
    init_default_scope('mmaction')
    ds = ActionTubeDataset(
        str(root / 'gt.pkl'),
        pipeline=[],
        test_mode=True,
        data_prefix=dict(img=str(root / 'rgb-images')))
    assert len(ds) == 141 + 53  # every frame of the test videos
    info = ds.get_data_info(141 + 26)  # g02_c01, frame 27
    assert (info['video_id'],
            info['timestamp']) == ('Basketball/v_Basketball_g02_c01', 27)
    np.testing.assert_allclose(
        info['gt_bboxes'], [[197 / 320, 73 / 240, 306 / 320, 238 / 240]],
        rtol=1e-6)
    assert info['gt_labels'][0].nonzero()[0].tolist() == [1]  # Basketball


@pytest.mark.parametrize('damage, key, words', [
    (lambda a: a.update(ef=a['ef'] + 1),
     "db['Basketball/v_Basketball_g01_c01']['annotations'][0]",
     '44 boxes for frames sf=8 to ef=53'),
    (lambda a: a.update(ef=150, sf=106),
     "db['Basketball/v_Basketball_g01_c01']['annotations'][0]",
     'frames 107..150 leave the 141-frame video'),
    (lambda a: a['boxes'].__setitem__((3, 2), 200),
     "db['Basketball/v_Basketball_g01_c01']['annotations'][0][3]",
     'outside the 320x240 frame'),
    (lambda a: a.update(label=24),
     "db['Basketball/v_Basketball_g01_c01']['annotations'][0]",
     'label 24 is not in the 24 classes'),
])
def test_ucf101_24_bad_annotations(tmp_path, damage, key, words):
    with open(PYANNOT, 'rb') as f:
        raw = pickle.load(f, encoding='latin1')
    video = next(v for v in raw['db'] if str(v).endswith('g01_c01'))
    ann = raw['db'][video]['annotations'][0]
    ann['boxes'] = ann['boxes'].astype(np.int32)
    damage(ann)
    path = str(tmp_path / 'bad.pkl')
    with open(path, 'wb') as f:
        pickle.dump(raw, f)
    with pytest.raises(AnnotationError) as err:
        act_gt_from_pyannot(path)
    assert (err.value.path, err.value.key) == (path, key)
    assert words in str(err.value)
