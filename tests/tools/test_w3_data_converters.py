# Copyright (c) mmvb contributors. All rights reserved.
"""tools/data/{sthv1,sthv2,egogesture,epic_kitchens} on tiny fake
releases laid out like the official ones."""
import csv
import json
import os
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# The three left/right pairs of Something-Something at the indices of the
# official label files (MMAction2's sthv1/sthv2 flip maps).
STHV1_PAIRS = {
    2: 'Turning the camera left while filming something',
    4: 'Turning the camera right while filming something',
    30: 'Pulling something from left to right',
    41: 'Pulling something from right to left',
    52: 'Pushing something from left to right',
    66: 'Pushing something from right to left'
}
STHV1_FLIP = {2: 4, 4: 2, 30: 41, 41: 30, 52: 66, 66: 52}
STHV2_PAIRS = {
    86: 'Pulling something from left to right',
    87: 'Pulling something from right to left',
    93: 'Pushing something from left to right',
    94: 'Pushing something from right to left',
    166: 'Turning the camera left while filming something',
    167: 'Turning the camera right while filming something'
}
STHV2_FLIP = {86: 87, 87: 86, 93: 94, 94: 93, 166: 167, 167: 166}


def _names(pairs, num=174):
    return [pairs.get(i, f'Doing thing number {i}') for i in range(num)]


def _touch_frames(folder, num, tmpl):
    os.makedirs(folder, exist_ok=True)
    for i in range(1, num + 1):
        open(osp.join(folder, tmpl.format(i)), 'wb').close()


@pytest.fixture
def convert(run_tool):
    """``convert(dataset, *args)`` runs tools/data/<dataset>/build_file_list
    and returns its output (progress bars included)."""

    def _convert(tool, *args):
        result = run_tool(
            [osp.join('tools', 'data', tool, 'build_file_list.py')] +
            [str(a) for a in args])
        assert '100%|' in result.output  # progress bars
        return result.output

    return _convert


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_sthv1(tmp_path, convert):
    ann, frames, out = tmp_path / 'ann', tmp_path / 'frames', tmp_path / 'o'
    ann.mkdir()
    names = _names(STHV1_PAIRS)
    (ann / 'something-something-v1-labels.csv').write_text('\n'.join(names) +
                                                           '\n')
    (ann / 'something-something-v1-train.csv'
     ).write_text(f'100218;{names[30]}\n2001;{names[0]}\n')
    (ann / 'something-something-v1-validation.csv').write_text(
        f'9;{names[173]}\n404;{names[1]}\n')  # 404 has no frames
    (ann / 'something-something-v1-test.csv').write_text('77\n')
    for vid, num in (('100218', 37), ('2001', 5), ('9', 12), ('77', 3)):
        _touch_frames(frames / vid, num, '{:05}.jpg')
    stdout = convert('sthv1', ann, frames, out)
    assert 'val: 1 videos written, 1 skipped' in stdout
    assert _lines(out / 'sthv1_train_list_rawframes.txt') == [
        '100218 37 30', '2001 5 0'
    ]
    assert _lines(out / 'sthv1_val_list_rawframes.txt') == ['9 12 173']
    assert _lines(out / 'sthv1_test_list_rawframes.txt') == ['77 3']
    assert _lines(out / 'label_map.txt') == names
    flip = {
        int(k): v
        for k, v in json.loads((out /
                                'flip_label_map.json').read_text()).items()
    }
    assert flip == STHV1_FLIP
    # the map of the sthv1 configs
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'w3',
                 'w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py'))
    assert cfg.sthv1_flip_label_map == flip
    assert cfg.train_dataloader.dataset.filename_tmpl == '{:05}.jpg'


def test_sthv2(tmp_path, convert):
    ann, videos, out = tmp_path / 'ann', tmp_path / 'videos', tmp_path / 'o'
    ann.mkdir()
    videos.mkdir()
    names = _names(STHV2_PAIRS)
    (ann / 'something-something-v2-labels.json').write_text(
        json.dumps({n: str(i)
                    for i, n in enumerate(names)}))

    def item(vid, idx):
        template = names[idx].replace('something', '[something]', 1)
        return dict(id=vid, label='x', template=template, placeholders=[])

    (ann / 'something-something-v2-train.json').write_text(
        json.dumps([item('78687', 93), item('42326', 5)]))
    (ann / 'something-something-v2-validation.json').write_text(
        json.dumps([item('1', 167), item('2', 0)]))
    (ann / 'something-something-v2-test.json').write_text(
        json.dumps([dict(id='3')]))
    for vid in ('78687', '42326', '1', '3'):
        (videos / f'{vid}.webm').write_bytes(b'')
    convert('sthv2', ann, out, '--video-dir', videos)
    assert _lines(out / 'sthv2_train_list_videos.txt') == [
        '78687.webm 93', '42326.webm 5'
    ]
    assert _lines(out / 'sthv2_val_list_videos.txt') == ['1.webm 167']
    assert _lines(out / 'sthv2_test_list_videos.txt') == ['3.webm']
    flip = {
        int(k): v
        for k, v in json.loads((out /
                                'flip_label_map.json').read_text()).items()
    }
    assert flip == STHV2_FLIP
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'w3',
                 'w3_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv2-rgb.py'))
    assert cfg.sthv2_flip_label_map == flip


def test_egogesture(tmp_path, convert):
    images, labels = tmp_path / 'images', tmp_path / 'labels-final-revised1'
    out = tmp_path / 'o'
    # subject 3: train, 1: val, 2: test, 51: not in any split
    _touch_frames(images / 'Subject03' / 'Scene1' / 'Color' / 'rgb1', 100,
                  '{:06}.jpg')
    _touch_frames(images / 'Subject01' / 'Scene2' / 'Color' / 'rgb2', 50,
                  '{:06}.jpg')
    _touch_frames(images / 'Subject02' / 'Scene1' / 'Color' / 'rgb1', 30,
                  '{:06}.jpg')
    rows = {
        ('subject03', 'Scene1', 'Group1.csv'): [(1, 10, 40), (83, 50, 100)],
        ('subject01', 'Scene2', 'group2.csv'): [(7, 5, 20), (8, 40, 60)],
        ('subject02', 'Scene1', 'Group1.csv'): [(2, 1, 30)],
        ('subject51', 'Scene1', 'Group1.csv'): [(2, 1, 30)],
    }
    for (subject, scene, name), segments in rows.items():
        os.makedirs(labels / subject / scene, exist_ok=True)
        with open(labels / subject / scene / name, 'w', newline='') as f:
            csv.writer(f).writerows(segments + [('', '', '')])
    stdout = convert('egogesture', images, labels, out)
    assert 'val: 1 segments written, 1 skipped' in stdout  # ends at 60 > 50
    assert _lines(out / 'egogesture_train_list_rawframes.txt') == [
        'Subject03/Scene1/Color/rgb1 9 31 0',
        'Subject03/Scene1/Color/rgb1 49 51 82'
    ]
    assert _lines(out / 'egogesture_val_list_rawframes.txt') == [
        'Subject01/Scene2/Color/rgb2 4 16 6'
    ]
    assert _lines(out / 'egogesture_test_list_rawframes.txt') == [
        'Subject02/Scene1/Color/rgb1 0 30 1'
    ]


def test_epic_kitchens(tmp_path, convert):
    """The command line and the held-out validation split (the formats are
    tested on the released files in test_w3_data_real.py)."""
    ann, out = tmp_path / 'ann', tmp_path / 'o'
    ann.mkdir()
    header = ('uid,participant_id,video_id,narration,start_timestamp,'
              'stop_timestamp,start_frame,stop_frame,verb,verb_class,noun,'
              'noun_class,all_nouns,all_noun_classes')
    rows = [
        '0,P01,P01_01,open door,00:00:00.14,00:00:03.37,8,202,open,1,door,'
        '2,[\'door\'],[2]',
        '1,P01,P01_01,turn on light,00:00:04.37,00:00:06.17,262,370,'
        'turn-on,0,light,1,[\'light\'],[1]',
        '2,P02,P02_03,take cup,00:01:00.00,00:01:01.00,3600,3660,take,0,'
        'cup,0,[\'cup\'],[0]',
    ]
    (ann /
     'EPIC_train_action_labels.csv').write_text('\n'.join([header] + rows) +
                                                '\n')
    (ann / 'EPIC_test_s1_timestamps.csv').write_text(
        'uid,participant_id,video_id,start_timestamp,stop_timestamp,'
        'start_frame,stop_frame\n'
        '1924,P01,P01_11,00:00:00.34,00:00:02.34,17,117\n')
    (ann / 'EPIC_verb_classes.csv').write_text(
        'verb_id,class_key,verbs\n1,put,"[\'put\']"\n0,take,"[\'take\']"\n')
    (ann / 'EPIC_noun_classes.csv'
     ).write_text('noun_id,class_key,nouns\n0,cup,[]\n1,light,[]\n2,door,[]\n')
    stdout = convert('epic_kitchens', ann, out, '--val-ratio', 0)
    assert 'num_nouns: 3' in stdout
    assert _lines(out / 'epic55_train_list_rawframes.txt') == [
        'train/P01/P01_01 7 195 1 2', 'train/P01/P01_01 261 109 0 1',
        'train/P02/P02_03 3599 61 0 0'
    ]
    assert not (out / 'epic55_val_list_rawframes.txt').exists()
    assert _lines(out / 'epic55_test_s1_list_rawframes.txt') == [
        'test/P01/P01_11 16 101'
    ]
    assert _lines(out / 'verb_map.txt') == ['take', 'put']
    # a held-out validation split takes whole videos
    convert('epic_kitchens', ann, out, '--val-ratio', 0.5)
    train = _lines(out / 'epic55_train_list_rawframes.txt')
    val = _lines(out / 'epic55_val_list_rawframes.txt')
    assert len(train) + len(val) == 3 and val
    assert {line.split()[0]
            for line in train}.isdisjoint({line.split()[0]
                                           for line in val})


@pytest.mark.parametrize('tool',
                         ['sthv1', 'sthv2', 'egogesture', 'epic_kitchens'])
def test_readme(tool):
    with open(osp.join(REPO, 'tools', 'data', tool, 'README.md')) as f:
        text = f.read()
    assert 'build_file_list.py' in text
