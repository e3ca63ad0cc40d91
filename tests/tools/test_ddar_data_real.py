# Copyright (c) mmvb contributors. All rights reserved.
"""The DDAR converters (tools/data/{aide,statefarm,syndd1,dmd,auc}) on
verbatim excerpts of the published files where they exist
(tests/data/README.md names them), and on mutated copies.

AIDE's per-sample JSONs, DMD's OpenLABEL files and the AUC CSVs are not
public: those files are generated here in the documented layout, with the
real split CSVs and the annotation tool's real vocabulary where available.
Expected values were read by hand from the excerpts."""
import csv
import importlib.util
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest

from mmvb.datasets.annotation_io import AnnotationError
from mmvb.datasets.releases import driver
from mmvb.datasets.synthetic import write_video

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATA = osp.join(REPO, 'tests', 'data')


def _converter(name):
    path = osp.join(REPO, 'tools', 'data', name, f'convert_{name}.py')
    spec = importlib.util.spec_from_file_location(f'real_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _touch(path):
    os.makedirs(osp.dirname(path), exist_ok=True)
    open(path, 'wb').close()


def _edit(path, old, new):
    with open(path, newline='') as f:
        text = f.read()
    assert old in text, old
    with open(path, 'w', newline='') as f:
        f.write(text.replace(old, new, 1))


def _load(path):
    with open(path) as f:
        return json.load(f)


# --------------------------------------------------------------------------
# AIDE: the published split CSVs
# --------------------------------------------------------------------------
@pytest.fixture
def aide(tmp_path):
    root = tmp_path / 'aide'
    shutil.copytree(osp.join(DATA, 'aide'), root)
    conv = _converter('aide')
    behaviours = {}
    samples = ('2317', '2086', '2703', '1798', '1802', '0703')
    for i, sample in enumerate(samples):
        for k in range(3):
            _touch(
                str(root / 'AIDE_Dataset' / sample / 'incarframes' /
                    f'{k}.jpg'))
        behaviours[sample] = conv.CLASSES[i % len(conv.CLASSES)]
        os.makedirs(root / 'AIDE_Dataset' / 'annotation', exist_ok=True)
        with open(root / 'AIDE_Dataset' / 'annotation' / f'{sample}.json',
                  'w') as f:
            json.dump(dict(driver_behavior_label=behaviours[sample]), f)
    return root


def test_aide_release_csvs(aide, tmp_path):
    conv = _converter('aide')
    assert conv.read_split(str(aide / 'training.csv')) == [
        ('AIDE_Dataset/2317', 'AIDE_Dataset/annotation/2317.json'),
        ('AIDE_Dataset/2086', 'AIDE_Dataset/annotation/2086.json')
    ]
    out = str(tmp_path / 'aide.json')
    summary = conv.convert(str(aide), out, progress=False)
    assert summary == dict(
        num_samples=6, num_folds=1, fold0_train=2, fold0_val=2, fold0_test=2)
    ann = _load(out)
    assert ann['metainfo']['folds'][0] == dict(
        train=['aide_2317', 'aide_2086'],
        val=['aide_2703', 'aide_1798'],
        test=['aide_1802', 'aide_0703'])
    item = ann['data_list'][0]
    assert (item['path'], item['frames'],
            item['label']) == ('AIDE_Dataset/2317/incarframes',
                               ['0.jpg', '1.jpg', '2.jpg'], 0)


def test_aide_bad_files(aide, tmp_path):
    conv = _converter('aide')
    path = str(aide / 'AIDE_Dataset' / 'annotation' / '2086.json')
    with open(path, 'w') as f:
        json.dump(dict(driver_behavior_label='Texting'), f)
    with pytest.raises(AnnotationError) as err:
        conv.convert(str(aide), str(tmp_path / 'o.json'), progress=False)
    assert (err.value.path, err.value.key) == (path, 'driver_behavior_label')
    assert "unknown behaviour 'Texting'" in str(err.value)
    path = str(aide / 'validation.csv')
    _edit(path, '0,1\n', '1,0\n')
    with pytest.raises(AnnotationError, match="column '0': found as column 2"):
        conv.read_split(path)


# --------------------------------------------------------------------------
# StateFarm: driver_imgs_list.csv
# --------------------------------------------------------------------------
@pytest.fixture
def statefarm(tmp_path):
    root = tmp_path / 'statefarm'
    os.makedirs(root)
    shutil.copy(
        osp.join(DATA, 'statefarm', 'driver_imgs_list.csv'),
        root / 'driver_imgs_list.csv')
    for cls, img in (('c0', 'img_44733.jpg'), ('c0', 'img_72999.jpg'),
                     ('c3', 'img_46464.jpg'), ('c9', 'img_42810.jpg'),
                     ('c5', 'img_75175.jpg')):
        _touch(str(root / 'imgs' / 'train' / cls / img))
    return root


def test_statefarm_release_list(statefarm, tmp_path):
    out = str(tmp_path / 'sf.json')
    summary = _converter('statefarm').convert(
        str(statefarm), out, progress=False)
    ann = _load(out)
    assert [
        (d['id'], d['subject'], d['label'], d['path'])
        for d in ann['data_list']
    ] == [
        ('statefarm_img_44733', 'p002', 0, 'imgs/train/c0/img_44733.jpg'),
        ('statefarm_img_72999', 'p002', 0, 'imgs/train/c0/img_72999.jpg'),
        ('statefarm_img_46464', 'p002', 3, 'imgs/train/c3/img_46464.jpg'),
        ('statefarm_img_42810', 'p052', 9, 'imgs/train/c9/img_42810.jpg'),
        ('statefarm_img_75175', 'p081', 5, 'imgs/train/c5/img_75175.jpg'),
    ]
    # fold 0 holds out DriveCLIP's p052 (p056 and p061 are not in the rows)
    assert ann['metainfo']['folds'][0]['test'] == ['p052']
    assert (summary['fold0_train'], summary['fold0_test']) == (4, 1)


@pytest.mark.parametrize('old, new, line, column, words', [
    ('p052,c9,', 'p052,c10,', 5, 'classname', "unknown class folder 'c10'"),
    ('subject,classname,img', 'classname,subject,img', 1, 'subject',
     'reordered'),
])
def test_statefarm_bad_rows(statefarm, tmp_path, old, new, line, column,
                            words):
    path = str(statefarm / 'driver_imgs_list.csv')
    _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _converter('statefarm').convert(
            str(statefarm), str(tmp_path / 'o.json'), progress=False)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, line, column)
    assert words in str(err.value)


def test_statefarm_missing_image(statefarm, tmp_path):
    os.remove(statefarm / 'imgs' / 'train' / 'c3' / 'img_46464.jpg')
    with pytest.raises(FileNotFoundError, match='line 4 of'):
        _converter('statefarm').convert(
            str(statefarm), str(tmp_path / 'o.json'), progress=False)


# --------------------------------------------------------------------------
# SynDD1: a label CSV in the AI City 2022 Track 3 layout
# --------------------------------------------------------------------------
@pytest.fixture
def syndd1(tmp_path):
    root = tmp_path / 'syndd1'
    folder = root / 'user_id_42271'
    os.makedirs(folder)
    shutil.copy(
        osp.join(DATA, 'syndd1', 'user_id_42271.csv'),
        folder / 'user_id_42271.csv')
    # 1 fps, 541 frames (9 minutes): video frame = second
    frames = np.zeros((541, 32, 32, 3), np.uint8)
    write_video(
        str(folder / 'Dashboard_user_id_42271_NoAudio_3.MP4'), frames, 1)
    return root


def test_syndd1_release_layout(syndd1, tmp_path):
    conv = _converter('syndd1')
    rows = conv.read_label_csv(
        str(syndd1 / 'user_id_42271' / 'user_id_42271.csv'))
    assert len(rows) == 11
    assert [(r['line'], r['video'], r['label'], r['start'], r['end'],
             r['block']) for r in rows[:3]] == [
                 (2, ('dashboard', '42271', '3'), None, 0, 8, 'none'),
                 (3, ('dashboard', '42271', '3'), 3, 9, 26, 'none'),
                 (4, ('dashboard', '42271', '3'), 6, 36, 56, 'none'),
             ]
    assert rows[7]['video'] == ('rearview', '42271', '3')
    assert (rows[9]['video'], rows[9]['block']) == (('dashboard', '42271',
                                                     '4'), 'sunglass')
    out = str(tmp_path / 'syndd1.json')
    summary = conv.convert(str(syndd1), out, fps=1, progress=False)
    ann = _load(out)
    # dashboard, no appearance block, DriveCLIP classes: labels 3 and 2
    # (phone -> 6), 1 (drinking -> 1) and 7 (hair -> 0); 6 (text left) and
    # the NA gaps are not used
    assert summary['num_samples'] == 4
    assert [(d['label'], d['start_frame'], d['num_frames'])
            for d in ann['data_list']] == [(6, 9, 18), (6, 63, 19),
                                           (1, 389, 18), (0, 498, 23)]
    assert ann['data_list'][0]['path'] == \
        'user_id_42271/Dashboard_user_id_42271_NoAudio_3.MP4'
    all18 = conv.convert(
        str(syndd1), out, fps=1, classes='all', progress=False)
    assert all18['num_samples'] == 5


@pytest.mark.parametrize('old, new, line, column, words', [
    (',,Dashboard,Distracted,0:00:36,0:00:56,6,None',
     ',,Dashboard,Distracted,0:00:36,0:00:56,Class 18,None', 4,
     'label/class id', "'Class 18' is not a class id 0..17"),
    (',,Dashboard,Distracted,0:01:03,0:01:21,2,None',
     ',,Dashboard,Distracted,0:01:03,1:21,2,None', 5, 'end time',
     "'1:21' is not H:MM:SS"),
    ('Label/Class ID', 'Class', 1, None, "no 'label' column"),
])
def test_syndd1_bad_rows(syndd1, tmp_path, old, new, line, column, words):
    path = str(syndd1 / 'user_id_42271' / 'user_id_42271.csv')
    _edit(path, old, new)
    with pytest.raises(AnnotationError) as err:
        _converter('syndd1').convert(
            str(syndd1), str(tmp_path / 'o.json'), fps=1, progress=False)
    assert (err.value.path, err.value.line, err.value.column) == \
        (path, line, column)
    assert words in str(err.value)


def test_syndd1_segment_after_the_video(syndd1, tmp_path):
    folder = syndd1 / 'user_id_42271'
    write_video(
        str(folder / 'Dashboard_user_id_42271_NoAudio_3.MP4'),
        np.zeros((300, 32, 32, 3), np.uint8), 1)  # 5 minutes only
    with pytest.raises(AnnotationError) as err:
        _converter('syndd1').convert(
            str(syndd1), str(tmp_path / 'o.json'), fps=1, progress=False)
    assert (err.value.line, err.value.column) == (6, 'start time')
    assert 'after the end of' in str(err.value)


# --------------------------------------------------------------------------
# DMD: the annotation tool's vocabulary
# --------------------------------------------------------------------------
def test_dmd_vocabulary_is_the_annotation_tools():
    conv = _converter('dmd')
    distraction = _load(osp.join(DATA, 'dmd', 'config_distraction.json'))
    drowsiness = _load(osp.join(DATA, 'dmd', 'config_drowsiness.json'))
    assert distraction['level_names']['6'] == 'driver_actions'
    assert drowsiness['level_names']['3'] == 'yawning'
    assert driver.DMD_DRIVER_ACTIONS == tuple(
        v for k, v in distraction['6'].items() if v != 'NAN')
    assert driver.DMD_YAWNING == tuple(v for v in drowsiness['3'].values()
                                       if v not in ('--', 'NAN'))
    assert set(conv.DRIVECLIP_CLASSES) - {'yawning'} <= set(
        driver.DMD_DRIVER_ACTIONS)


def _openlabel(path, actions):
    with open(path, 'w') as f:
        json.dump(
            dict(
                openlabel=dict(
                    streams={},
                    actions={
                        str(i): dict(
                            type=t,
                            frame_intervals=[
                                dict(frame_start=10 * i, frame_end=10 * i + 5)
                            ])
                        for i, t in enumerate(actions)
                    })), f)


def test_dmd_every_tool_label(tmp_path):
    conv = _converter('dmd')
    distraction = _load(osp.join(DATA, 'dmd', 'config_distraction.json'))
    types = [f'driver_actions/{v}' for v in driver.DMD_DRIVER_ACTIONS]
    types += [f'yawning/{v}' for v in driver.DMD_YAWNING]
    # the other levels of the tool's vocabulary are ignored
    types += [
        f'{distraction["level_names"][lvl]}/{v}' for lvl in '1234'
        for v in distraction[lvl].values() if v not in ('--', 'NAN')
    ]
    path = str(tmp_path / 'ann.json')
    _openlabel(path, types)
    intervals, offset = conv.action_intervals(path, conv.DRIVECLIP_CLASSES)
    assert offset == 0
    found = [name for name, _, _ in intervals]
    assert sorted(set(found)) == sorted(conv.DRIVECLIP_CLASSES)
    assert found.count('yawning') == 2
    assert ('texting_right', 10, 15) in intervals  # action 1
    for bad, words in (('driver_actions/texting', 'unknown driver action'),
                       ('yawning/yawn', 'unknown yawning label')):
        _openlabel(path, ['driver_actions/safe_drive', bad])
        with pytest.raises(AnnotationError) as err:
            conv.action_intervals(path, conv.DRIVECLIP_CLASSES)
        assert (err.value.path, err.value.key) == (path, 'actions.1.type')
        assert words in str(err.value)


# --------------------------------------------------------------------------
# AUC v1: no public CSV; the documented layout, mutated
# --------------------------------------------------------------------------
@pytest.mark.parametrize('row, column, words', [
    (['/distracted.driver/c1/9.jpg', '2'
      ], 'Image', "class folder of '/distracted.driver/c1/9.jpg' is not c2"),
    (['/distracted.driver/c1/9.jpg', '10'], 'Label', 'outside [0, 9]'),
])
def test_auc_bad_rows(tmp_path, row, column, words):
    root = tmp_path / 'auc'
    for split in ('Train', 'Test'):
        _touch(str(root / 'c1' / '9.jpg'))
        with open(root / f'{split}_data_list.csv', 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['Image', 'Label'])
            writer.writerow(['/distracted.driver/c1/9.jpg', '1'])
            writer.writerow(row)
    with pytest.raises(AnnotationError) as err:
        _converter('auc').convert(
            str(root), str(tmp_path / 'o.json'), progress=False)
    assert (err.value.line, err.value.column) == (3, column)
    assert words in str(err.value)
