# Copyright (c) mmvb contributors. All rights reserved.
"""The DATAR converters (tools/data/{epic_kitchens_100,vggsound,
kinetics_sounds}) on verbatim excerpts of the published annotation files
(tests/data/README.md names their sources), and on mutated copies.

Every expected value below was read by hand from the excerpt files."""
import importlib.util
import os.path as osp
import shutil

import numpy as np
import pytest

from mmvb.datasets.annotation_io import AnnotationError
from mmvb.datasets.synthetic import write_av_clip

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'tests', 'data')


def _tool(rel):
    spec = importlib.util.spec_from_file_location(
        rel.replace('/', '_'), osp.join(REPO, rel))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edit(path, old, new):
    with open(path, newline='') as f:
        text = f.read()
    assert old in text, old
    with open(path, 'w', newline='') as f:
        f.write(text.replace(old, new, 1))


def _lines(path):
    with open(path) as f:
        return [line.split() for line in f]


# --------------------------------------------------------------------------
# EPIC-Kitchens-100
# --------------------------------------------------------------------------
EPIC100 = 'tools/data/epic_kitchens_100/build_audio_list.py'


def test_epic100_release_excerpt():
    tool = _tool(EPIC100)
    ann = osp.join(DATA, 'epic_kitchens_100')
    verbs = tool.read_class_keys(osp.join(ann, 'EPIC_100_verb_classes.csv'))
    nouns = tool.read_class_keys(osp.join(ann, 'EPIC_100_noun_classes.csv'))
    assert (len(verbs), verbs[:3], verbs[13]) == (20, ['take', 'put',
                                                       'wash'], 'throw')
    assert (len(nouns), nouns[2], nouns[17], nouns[49]) == (50, 'plate',
                                                            'cloth', 'paper')
    segments = tool.read_segments(
        osp.join(ann, 'EPIC_100_validation.csv'), len(verbs), len(nouns))
    assert segments == [
        ('P01_11', 0.0, 1.89, 0, 2),  # take plate
        ('P01_11', 1.56, 2.45, 1, 2),  # put down plate
        ('P01_11', 49.15, 50.95, 0, 49),  # take paper
        ('P01_11', 327.28, 331.97, 2, 17),  # wash cloth, 00:05:27.28
        ('P01_11', 51.98, 53.03, 13, 49),  # throw paper into bin
    ]


def test_epic100_lists_from_release_excerpt(tmp_path):
    """The whole converter on the released validation rows (also used as
    the training file, whose 4 MB copy is not in the excerpts)."""
    ann = tmp_path / 'ann'
    shutil.copytree(osp.join(DATA, 'epic_kitchens_100'), ann)
    shutil.copy(ann / 'EPIC_100_validation.csv', ann / 'EPIC_100_train.csv')
    sr = 8000
    write_av_clip(
        str(tmp_path / 'EPIC' / 'P01' / 'videos' / 'P01_11.MP4'),
        0.2 * np.sin(np.arange(sr) / sr * 2 * np.pi * 440), sr)
    summary = _tool(EPIC100).main([
        str(ann),
        str(tmp_path / 'EPIC'),
        str(tmp_path / 'out'), '--no-progress'
    ])
    # verbs 0, 1, 2, 13 and nouns 2, 17, 49 have training segments
    assert summary == dict(
        num_verbs=4,
        num_nouns=3,
        videos=1,
        videos_without_audio=0,
        train=5,
        val=5)
    assert _lines(tmp_path / 'out' / 'epic100_audio_val.txt') == [
        ['audio/P01_11.wav', '0.00', '1.89', '0', '0'],
        ['audio/P01_11.wav', '1.56', '2.45', '1', '0'],
        ['audio/P01_11.wav', '49.15', '50.95', '0', '2'],
        ['audio/P01_11.wav', '327.28', '331.97', '2', '1'],
        ['audio/P01_11.wav', '51.98', '53.03', '3', '2'],
    ]
    assert open(tmp_path / 'out' / 'verb_classes.txt').read().split() == [
        'take', 'put', 'wash', 'throw'
    ]


@pytest.mark.parametrize('old, new, line, column, words', [
    ('P01_11_0,P01,P01_11', 'P01_11_0,P01_11,P01', 1, 'participant_id',
     'reordered'),
    (',00:00:00.00,00:00:01.89,', ',00:00:00.00,0:0:1.89,', 2,
     'stop_timestamp', 'not HH:MM:SS.ss'),
    (',00:00:01.56,00:00:02.45,', ',00:00:02.56,00:00:02.45,', 3,
     'stop_timestamp', 'ends before it starts'),
    ('take paper,take,0,paper,49', 'take paper,take,0,paper,50', 4,
     'noun_class', 'outside [0, 49]'),
])
def test_epic100_bad_rows(tmp_path, old, new, line, column, words):
    path = str(tmp_path / 'EPIC_100_validation.csv')
    shutil.copy(osp.join(DATA, 'epic_kitchens_100', osp.basename(path)), path)
    if line == 1:  # a header edit
        _edit(path, 'narration_id,participant_id,video_id',
              'narration_id,video_id,participant_id')
    else:
        _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _tool(EPIC100).read_segments(path, 20, 50)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, line, column)
    assert words in str(err.value)


# --------------------------------------------------------------------------
# VGGSound
# --------------------------------------------------------------------------
VGGSOUND = 'tools/data/vggsound/build_audio_list.py'


def test_vggsound_release_excerpt(tmp_path):
    tool = _tool(VGGSOUND)
    rows = tool.read_annotations(osp.join(DATA, 'vggsound', 'vggsound.csv'))
    assert len(rows) == 13
    assert rows[0] == ('---g-f_I2yQ', 1, 'people marching', 'test')
    # a quoted label holding a comma
    assert rows[6] == ('--9O4XZOge4', 30, 'female speech, woman speaking',
                       'train')
    assert [r[3] for r in rows].count('test') == 2
    # the whole converter: only the first clip is downloaded
    sr = 8000
    write_av_clip(
        str(tmp_path / 'videos' / '---g-f_I2yQ_000001.mp4'),
        0.2 * np.sin(np.arange(sr) / sr * 2 * np.pi * 440), sr)
    summary = tool.main([
        osp.join(DATA, 'vggsound', 'vggsound.csv'),
        str(tmp_path / 'videos'),
        str(tmp_path / 'out'), '--no-progress'
    ])
    assert summary['num_classes'] == 12  # 13 rows, cricket chirping twice
    assert summary['train'] == dict(
        annotated=11, missing_video=11, no_audio=0, valid=0)
    assert summary['test'] == dict(
        annotated=2, missing_video=1, no_audio=0, valid=1)
    classes = open(tmp_path / 'out' / 'classes.txt').read().splitlines()
    test = _lines(tmp_path / 'out' / 'vggsound_test_list_audio.txt')
    assert test[0][0].endswith('---g-f_I2yQ_000001.mp4')
    assert classes[int(test[0][2])] == 'people marching'


@pytest.mark.parametrize('old, new, column, words', [
    ('--56QUhyDQM,185,playing tennis,train', '--56QUhyDQM,185,train', None,
     '3 cells, expected 4'),
    ('--56QUhyDQM,185,', '--56QUhyDQM,1:85,', 'start_seconds',
     'not an integer'),
    ('playing tennis,train', 'playing tennis,val', 'split',
     'neither train nor test'),
])
def test_vggsound_bad_rows(tmp_path, old, new, column, words):
    path = str(tmp_path / 'vggsound.csv')
    shutil.copy(osp.join(DATA, 'vggsound', 'vggsound.csv'), path)
    _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _tool(VGGSOUND).read_annotations(path)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, 3, column)
    assert words in str(err.value)


# --------------------------------------------------------------------------
# Kinetics-Sounds (Kinetics-400 annotations)
# --------------------------------------------------------------------------
KS = 'tools/data/kinetics_sounds/build_audio_list.py'


def test_kinetics_sounds_classes_are_k400_labels():
    tool = _tool(KS)
    classes = tool.read_classes(
        osp.join(REPO, 'tools', 'data', 'kinetics_sounds', 'classes.txt'))
    with open(osp.join(DATA, 'kinetics', 'label_map_k400.txt')) as f:
        k400 = f.read().splitlines()
    assert len(k400) == 400 and len(classes) == 31
    assert [c for c in classes if c not in k400] == []


def test_kinetics_release_excerpt(tmp_path):
    tool = _tool(KS)
    ann = tmp_path / 'ann'
    ann.mkdir()
    shutil.copy(
        osp.join(DATA, 'kinetics', 'kinetics-400_val.csv'),
        ann / 'kinetics-400_val.csv')
    rows = tool.read_annotations(
        tool.find_annotation(str(ann),
                             dict(tool.SPLITS)['val']))
    assert rows == [
        ('abseiling', '0wR5jVB-WPk_000417_000427'),
        ('abseiling', '3caPS4FHFF8_000036_000046'),
        ('playing bagpipes', '-2jAdijiM14_000044_000054'),  # quoted label
        ('playing bagpipes', '-Wx7UjNi3uU_000010_000020'),
        ('blowing nose', '-3nc7ljnlFQ_000001_000011'),
        ('blowing nose', '-d7gxstQux4_000067_000077'),
    ]
    # a header without is_cc over rows with it
    path = str(ann / 'kinetics-400_val.csv')
    _edit(path, 'label,youtube_id,time_start,time_end,split,is_cc',
          'label,youtube_id,time_start,time_end,split')
    with pytest.raises(AnnotationError, match=r':2: 6 cells, expected 5'):
        tool.read_annotations(path)
    # the CVDF files have no is_cc column at all
    with open(path) as f:
        lines = f.read().splitlines()
    with open(path, 'w') as f:
        f.write('\n'.join([lines[0]] + [line[:-2] for line in lines[1:]]))
    assert tool.read_annotations(path) == rows
    # a reordered header
    _edit(path, 'label,youtube_id,', 'youtube_id,label,')
    with pytest.raises(
            AnnotationError, match=r':1: column .label.: .*'
            r'reordered'):
        tool.read_annotations(path)
    with pytest.raises(FileNotFoundError, match='validate.csv'):
        tool.find_annotation(str(tmp_path), dict(tool.SPLITS)['val'])
