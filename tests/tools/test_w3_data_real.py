# Copyright (c) mmvb contributors. All rights reserved.
"""The W3 converters (tools/data/{epic_kitchens,sthv1,sthv2,egogesture}) on
verbatim excerpts of the published annotation files (tests/data/README.md
names their sources), and on mutated copies of them.

Every expected value below was read by hand from the excerpt files."""
import importlib.util
import json
import os
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

from mmvb.datasets.annotation_io import AnnotationError
from mmvb.datasets.releases.recognition import EGOGESTURE_NUM_CLASSES

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'tests', 'data')


def _tool(name):
    path = osp.join(REPO, 'tools', 'data', name, 'build_file_list.py')
    spec = importlib.util.spec_from_file_location(f'{name}_list', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def _edit(path, old, new):
    """Replace the first ``old`` of a text file by ``new``."""
    with open(path, newline='') as f:
        text = f.read()
    assert old in text, old
    with open(path, 'w', newline='') as f:
        f.write(text.replace(old, new, 1))


# --------------------------------------------------------------------------
# EPIC-Kitchens-55
# --------------------------------------------------------------------------
@pytest.fixture
def epic55(tmp_path):
    ann = tmp_path / 'annotations'
    shutil.copytree(osp.join(DATA, 'epic_kitchens_55'), ann)
    return ann


def test_epic55_release_excerpt(epic55, tmp_path):
    tool = _tool('epic_kitchens')
    summary = tool.convert(str(epic55), str(tmp_path / 'o'), 0, 0, False)
    assert summary == dict(
        train=9, test_s1=3, test_s2=2, num_verbs=125, num_nouns=352)
    assert _lines(tmp_path / 'o' / 'epic55_train_list_rawframes.txt') == [
        'train/P01/P01_01 7 195 2 8',  # open door, frames 8..202
        'train/P01/P01_01 261 109 12 113',  # turn on light
        'train/P01/P01_01 417 152 3 8',
        'train/P01/P01_01 765 74 2 10',
        'train/P01/P01_01 914 69 0 185',
        'train/P01/P01_01 989 94 0 29',
        'train/P01/P01_01 15700 178 8 69',  # quoted all_nouns cells
        'train/P01/P01_05 74708 125 2 331',  # rosemary: noun id >= 331
        'train/P01/P01_05 74908 444 30 331',
    ]
    assert _lines(tmp_path / 'o' / 'epic55_test_s1_list_rawframes.txt') == [
        'test/P01/P01_11 0 113', 'test/P01/P01_11 92 55',
        'test/P01/P01_11 177 650'
    ]
    assert _lines(tmp_path / 'o' / 'epic55_test_s2_list_rawframes.txt') == [
        'test/P09/P09_01 117 68', 'test/P09/P09_01 229 140'
    ]
    nouns = _lines(tmp_path / 'o' / 'noun_map.txt')
    assert (len(nouns), nouns[0], nouns[113], nouns[331],
            nouns[351]) == (352, 'Nothing', 'light', 'rosemary', 'trouser')
    verbs = _lines(tmp_path / 'o' / 'verb_map.txt')
    assert (len(verbs), verbs[:3]) == (125, ['take', 'put', 'open'])
    # the configs' noun classifier covers every released noun id
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', '_base_', 'datasets',
                 'epic-kitchens-55_rgb.py'))
    assert (cfg.num_verbs, cfg.num_nouns) == (len(verbs), len(nouns))


@pytest.mark.parametrize(
    'old, new, line, column, words',
    [
        # columns swapped in the header
        ('uid,participant_id,video_id', 'uid,video_id,participant_id', 1,
         'participant_id', 'reordered'),
        ('narration,start_timestamp', 'start_timestamp', 1, 'narration',
         'missing'),
        # a noun id beyond the 352 released classes
        ('open,2,rosemary,331', 'open,2,rosemary,352', 9, 'noun_class',
         'outside [0, 351]'),
        ('open,2,door,8', 'open,200,door,8', 2, 'verb_class',
         'outside [0, 124]'),
        ('00:00:03.37,8,202', '00:00:03.37,8,7', 2, 'stop_frame',
         'outside [8, ...]'),
        ('00:00:03.37,8,202', '00:00:03.37,eight,202', 2, 'start_frame',
         "'eight' is not an integer"),
        ('P01,P01_05,open rosemary', 'P02,P01_05,open rosemary', 9, 'video_id',
         'does not belong'),
    ])
def test_epic55_bad_rows(epic55, tmp_path, old, new, line, column, words):
    path = str(epic55 / 'EPIC_train_action_labels.csv')
    _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _tool('epic_kitchens').convert(
            str(epic55), str(tmp_path / 'o'), 0, 0, False)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, line, column)
    assert words in str(err.value) and path in str(err.value)


def test_epic55_short_row(epic55, tmp_path):
    path = str(epic55 / 'EPIC_test_s2_timestamps.csv')
    _edit(path, '00:00:03.09,118,185', '00:00:03.09,118')
    with pytest.raises(AnnotationError, match=r':2: 6 cells, expected 7'):
        _tool('epic_kitchens').convert(
            str(epic55), str(tmp_path / 'o'), 0, 0, False)


# --------------------------------------------------------------------------
# Something-Something V1 / V2: the released class lists
# --------------------------------------------------------------------------
def test_sthv1_class_list(tmp_path):
    names = _lines(osp.join(DATA, 'sthv1', 'label_map.txt'))
    assert len(names) == 174 and names[0] == 'Holding something'
    ann, frames = tmp_path / 'ann', tmp_path / 'frames'
    ann.mkdir()
    shutil.copy(
        osp.join(DATA, 'sthv1', 'label_map.txt'),
        ann / 'something-something-v1-labels.csv')
    (ann / 'something-something-v1-train.csv').write_text(
        '1;Pushing something from left to right\n'
        '2;Laying something on the table on its side, not upright\n')
    (ann / 'something-something-v1-validation.csv'
     ).write_text('3;Holding something\n')
    for vid in '123':
        os.makedirs(frames / vid)
        open(frames / vid / '00001.jpg', 'wb').close()
    tool = _tool('sthv1')
    tool.convert(str(ann), str(frames), str(tmp_path / 'o'), False)
    # "Laying ..., not upright" holds a comma; label = line number - 1
    assert _lines(tmp_path / 'o' /
                  'sthv1_train_list_rawframes.txt') == ['1 1 30', '2 1 84']
    flip = {
        int(k): v
        for k, v in json.loads((tmp_path / 'o' /
                                'flip_label_map.json').read_text()).items()
    }
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'w3',
                 'w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py'))
    assert flip == cfg.sthv1_flip_label_map == {
        2: 4,
        4: 2,
        30: 41,
        41: 30,
        52: 66,
        66: 52
    }
    # a class name that is not in the list
    path = str(ann / 'something-something-v1-validation.csv')
    (ann / 'something-something-v1-validation.csv'
     ).write_text('3;Holding something\n4;Holding somethin\n')
    with pytest.raises(AnnotationError) as err:
        tool.convert(str(ann), str(frames), str(tmp_path / 'o'), False)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, 2, 'label')
    assert "unknown class 'Holding somethin'" in str(err.value)


def test_sthv2_class_list(tmp_path):
    names = _lines(osp.join(DATA, 'sthv2', 'label_map.txt'))
    assert len(names) == 174
    assert names[86:88] == [
        'Pulling something from left to right',
        'Pulling something from right to left'
    ]
    ann = tmp_path / 'ann'
    ann.mkdir()
    (ann / 'something-something-v2-labels.json').write_text(
        json.dumps({name: str(i)
                    for i, name in enumerate(names)}))
    (ann / 'something-something-v2-train.json').write_text(
        json.dumps([
            dict(
                id='78687',
                label='pulling a pen from left to right',
                template='Pulling [something] from left to right',
                placeholders=['a pen'])
        ]))
    (ann / 'something-something-v2-validation.json').write_text('[]')
    tool = _tool('sthv2')
    tool.convert(str(ann), str(tmp_path / 'o'), progress=False)
    assert _lines(tmp_path / 'o' /
                  'sthv2_train_list_videos.txt') == ['78687.webm 86']
    flip = {
        int(k): v
        for k, v in json.loads((tmp_path / 'o' /
                                'flip_label_map.json').read_text()).items()
    }
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'w3',
                 'w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv2-rgb.py'))
    assert flip == cfg.sthv2_flip_label_map
    path = str(ann / 'something-something-v2-validation.json')
    (ann / 'something-something-v2-validation.json').write_text(
        json.dumps([
            dict(id='1', template='Holding [something]'),
            dict(id='2', template='Juggling [something]')
        ]))
    with pytest.raises(AnnotationError) as err:
        tool.convert(str(ann), str(tmp_path / 'o'), progress=False)
    assert (err.value.path, err.value.key) == (path, '[1].template')
    assert "unknown template 'Juggling something'" in str(err.value)


# --------------------------------------------------------------------------
# EgoGesture: labels-final-revised1
# --------------------------------------------------------------------------
@pytest.fixture
def egogesture(tmp_path):
    labels = tmp_path / 'labels-final-revised1'
    shutil.copytree(
        osp.join(DATA, 'egogesture', 'labels-final-revised1'), labels)
    images = tmp_path / 'images'
    for rel, num in (('Subject02/Scene1/Color/rgb1', 1702),
                     ('Subject03/Scene2/Color/rgb6', 1029)):
        os.makedirs(images / rel)
        for i in range(1, num + 1):
            open(images / rel / f'{i:06d}.jpg', 'wb').close()
    return images, labels


def test_egogesture_release_excerpt(egogesture, tmp_path):
    images, labels = egogesture
    tool = _tool('egogesture')
    summary = tool.convert(
        str(images), str(labels), str(tmp_path / 'o'), False)
    # subject02 is a test subject (11 rows), subject03 a training subject
    # (10 rows and the blank " ,," row, which is not a segment)
    assert summary == dict(train=(10, 0), val=(0, 0), test=(11, 0))
    train = _lines(tmp_path / 'o' / 'egogesture_train_list_rawframes.txt')
    assert train[0] == 'Subject03/Scene2/Color/rgb6 97 46 55'  # 56,98,143
    assert train[-1] == 'Subject03/Scene2/Color/rgb6 999 30 65'  # 66,1000,..
    # Real-time-GesRec's test list, built independently from the same label
    # file (label, first and last frame; 84 = no gesture, not a segment)
    expected = []
    for line in _lines(
            osp.join(DATA, 'egogesture',
                     'testlistall_subject02_scene1_rgb1.txt')):
        path, label, start, end = line.split()
        if label != '84':
            expected.append(f'{path} {int(start) - 1} '
                            f'{int(end) - int(start) + 1} {int(label) - 1}')
    assert len(expected) == 11
    assert _lines(tmp_path / 'o' /
                  'egogesture_test_list_rawframes.txt') == expected
    classes = _lines(osp.join(DATA, 'egogesture', 'classIndAll.txt'))
    assert len(classes) == EGOGESTURE_NUM_CLASSES + 1  # + "None" (84)


@pytest.mark.parametrize('old, new, column, words', [
    ('56,98,143', '84,98,143', 'class', 'outside [1, 83]'),
    ('58,206,237', '58,206,205', 'end', 'outside [206, ...]'),
    ('61,301,337', '61,301.5,337', 'start', "'301.5' is not an integer"),
    ('60,390,425', '60,390,425,1', None, '4 cells, expected 3'),
])
def test_egogesture_bad_rows(egogesture, tmp_path, old, new, column, words):
    images, labels = egogesture
    path = str(labels / 'subject03' / 'Scene2' / 'Group6.csv')
    _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _tool('egogesture').convert(
            str(images), str(labels), str(tmp_path / 'o'), False)
    line = 1 + [r.split(',')[0]
                for r in ('56', '58', '61', '60')].index(old.split(',')[0])
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, line, column)
    assert words in str(err.value)
