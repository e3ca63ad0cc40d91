# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import json
import os.path as osp

import cv2
import pytest

from mmvb.testing import write_fake_mpeblink_release

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def load_converter():
    spec = importlib.util.spec_from_file_location(
        'convert_mpeblink',
        osp.join(ROOT, 'tools', 'data', 'mpeblink', 'convert_mpeblink.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_convert_fake_release(tmp_path, capsys):
    write_fake_mpeblink_release(str(tmp_path))
    conv = load_converter()
    conv.main(
        [str(tmp_path), '--out',
         str(tmp_path / 'out'), '--size', '160', '80'])
    assert 'validate: not found' in capsys.readouterr().out
    with open(tmp_path / 'out' / 'annotations' / 'test.json') as f:
        data = json.load(f)
    # videos in sorted id order, ids 1..N in that order
    assert [v['id'] for v in data['videos']] == [3, 12]
    assert [a['id'] for a in data['annotations']] == [1, 2, 3]
    assert [a['video_id'] for a in data['annotations']] == [3, 3, 12]
    video = data['videos'][0]
    assert (video['width'], video['height'], video['length']) == (160, 80, 6)
    assert video['file_names'][0] == '3/00000.png'
    assert len(video['file_names']) == 6
    a, b, c = data['annotations']
    assert a['bboxes'][0] == [16, 8, 32, 40]  # x2 scale in w and h
    assert a['bboxes'][4] is None
    assert a['blinks'] == [[1, 2]]
    assert a['blinks_binary'] == [0, 1, 1, 0, None, 0]
    assert b['blinks_binary'][:2] == [None, None]
    assert a['landmark'][0][0] == [16, 8]
    assert c['blinks_binary'] == [0, 0, 0, 0, 0, 1]
    assert data['categories'] == [
        dict(supercategory='object', id=1, name='person_face')
    ]
    img = cv2.imread(
        str(tmp_path / 'out' / 'test_rawframes' / '3' / '00005.png'))
    assert img.shape == (80, 160, 3)
    assert (tmp_path / 'out' / 'annotations' / 'train.json').exists()


def test_convert_missing_split(tmp_path):
    conv = load_converter()
    assert conv.convert_split(str(tmp_path), str(tmp_path), 'test') is None
    with pytest.raises(SystemExit):
        conv.parse_args(['--size', '1'])


@pytest.mark.parametrize('damage, key, words', [
    (lambda a, p: a.pop('length'), 'length', 'not a positive integer'),
    (lambda a, p: a[p]['bbox'].pop(), '{p}.bbox', '5 items for a video'),
    (lambda a, p: a[p]['bbox'].__setitem__(0, [90, 10, 8, 8]), '{p}.bbox[0]',
     'outside the 80x40 frame'),
    (lambda a, p: a[p]['bbox'].__setitem__(0, [10, 10, 0, 8]), '{p}.bbox[0]',
     'empty box'),
    (lambda a, p: a[p]['blink'].append([4, 6]), '{p}.blink[1]',
     'not [start, end] with 0 <= start <= end < 6'),
    (lambda a, p: a[p].pop('landmark'), '{p}.landmark', 'missing'),
])
def test_bad_annote_json(tmp_path, damage, key, words):
    """No official annote.json is public; the layout is the one the
    official converter reads. A malformed file names itself and the key."""
    from mmvb.datasets.annotation_io import AnnotationError
    write_fake_mpeblink_release(str(tmp_path))
    path = tmp_path / 'test' / '3' / 'annote.json'
    with open(path) as f:
        raw = json.load(f)
    person = next(k for k in raw if k not in ('height', 'width', 'length'))
    assert (raw['width'], raw['height'], raw['length']) == (80, 40, 6)
    damage(raw, person)
    with open(path, 'w') as f:
        json.dump(raw, f)
    with pytest.raises(AnnotationError) as err:
        load_converter().main([str(tmp_path), '--out', str(tmp_path / 'o')])
    assert (err.value.path, err.value.key) == (str(path), key.format(p=person))
    assert words in str(err.value)
