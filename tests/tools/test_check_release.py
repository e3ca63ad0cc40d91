# Copyright (c) mmvb contributors. All rights reserved.
"""tools/data/check_release.py on tiny generated releases, complete and
with planted faults, for every dataset the configs name.

Each builder writes a complete release in the layout the converters read
and returns the counts it holds (the published counts are for the full
datasets, so the tests pass them as ``expected``). ``plant`` then breaks
it and returns what the report must say."""
import importlib.util
import json
import os
import os.path as osp
import pickle
import shutil

import cv2
import numpy as np
import pytest

from mmvb.datasets.releases import (METHOD_DATASETS, RELEASES, CheckOptions,
                                    check_release)
from mmvb.datasets.releases.audio import KINETICS_SOUNDS_CLASSES
from mmvb.datasets.synthetic import write_av_clip, write_video
from mmvb.testing import write_fake_hust_lebw, write_fake_mpeblink_release

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _image(path, value=0, size=(24, 32)):
    os.makedirs(osp.dirname(path), exist_ok=True)
    assert cv2.imwrite(path, np.full(size + (3, ), value, np.uint8))


def _frames(folder, num, tmpl='{:05}.jpg', start=1):
    for i in range(start, start + num):
        _image(osp.join(folder, tmpl.format(i)), i)


def _video(path, num=4, fps=4):
    """An mp4 video at ``path`` (whatever its extension: the decoders read
    the container, not the name)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    write_video(path + '.mp4', np.zeros((num, 32, 32, 3), np.uint8), fps)
    os.replace(path + '.mp4', path)


def _audio_clip(path, seconds=0.5, sr=8000):
    t = np.arange(int(sr * seconds)) / sr
    write_av_clip(path, 0.2 * np.sin(2 * np.pi * 440 * t), sr)


def _write(path, text):
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def _corrupt(path):
    with open(path, 'wb') as f:
        f.write(b'not a medium')


# --------------------------------------------------------------------------
# builders: (root) -> counts; planters: (root) -> expected problem texts
# --------------------------------------------------------------------------
def build_sthv1(root):
    ann = osp.join(root, 'annotations')
    _write(osp.join(ann, 'something-something-v1-labels.csv'), 'A\nB\n')
    _write(osp.join(ann, 'something-something-v1-train.csv'), '1;A\n2;B\n')
    _write(osp.join(ann, 'something-something-v1-validation.csv'), '3;A\n')
    _write(osp.join(ann, 'something-something-v1-test.csv'), '4\n')
    for vid in '1234':
        _frames(osp.join(root, 'rawframes', vid), 2)
    return dict(train=2, val=1, test=1)


def plant_sthv1(root):
    shutil.rmtree(osp.join(root, 'rawframes', '2'))
    _corrupt(osp.join(root, 'rawframes', '3', '00001.jpg'))
    _write(
        osp.join(root, 'annotations', 'something-something-v1-test.csv'),
        '4;extra\n')
    return [
        f"missing frame folders: {osp.join(root, 'rawframes', '2')} "
        '(annotations/something-something-v1-train.csv: 2)',
        f"unreadable frame folders: {osp.join(root, 'rawframes', '3')}",
        'something-something-v1-test.csv:1: 2 cells, expected 1'
    ]


def build_sthv2(root):
    ann = osp.join(root, 'annotations')
    _write(
        osp.join(ann, 'something-something-v2-labels.json'),
        json.dumps({
            'Holding something': '0',
            'Pushing something': '1'
        }))
    for name, items in (('train', [dict(id=1,
                                        template='Holding [something]')]),
                        ('validation',
                         [dict(id=2, template='Pushing [something]')
                          ]), ('test', [dict(id=3)])):
        _write(
            osp.join(ann, f'something-something-v2-{name}.json'),
            json.dumps(items))
    for vid in '123':
        _video(osp.join(root, 'videos', f'{vid}.webm'))
    return dict(train=1, val=1, test=1)


def plant_sthv2(root):
    os.remove(osp.join(root, 'videos', '2.webm'))
    _corrupt(osp.join(root, 'videos', '3.webm'))
    return [
        f"missing videos: {osp.join(root, 'videos', '2.webm')}",
        f"unreadable videos: {osp.join(root, 'videos', '3.webm')}"
    ]


def build_egogesture(root):
    for subject, rows in ((1, '1,1,3\n'), (2, '2,1,2\n'), (3, '3,1,4\n')):
        _write(
            osp.join(root, 'labels-final-revised1', f'subject{subject:02d}',
                     'Scene1', 'Group1.csv'), rows)
        _frames(
            osp.join(root, 'images', f'Subject{subject:02d}', 'Scene1',
                     'Color', 'rgb1'), 4, '{:06}.jpg')
    return {'train': 1, 'val': 1, 'test': 1, 'label files': 3}


def plant_egogesture(root):
    folder = osp.join(root, 'images', 'Subject03', 'Scene1', 'Color', 'rgb1')
    os.remove(osp.join(folder, '000004.jpg'))
    _write(
        osp.join(root, 'labels-final-revised1', 'subject02', 'Scene1',
                 'Group1.csv'), '84,1,2\n')
    return [
        f'unreadable frame folders: {folder}', 'need 000004.jpg',
        "Group1.csv:1: column 'class': 84 is outside [1, 83]"
    ]


def build_epic_kitchens_55(root):
    ann = osp.join(root, 'annotations')
    _write(
        osp.join(ann, 'EPIC_verb_classes.csv'),
        'verb_id,class_key,verbs\n0,take,[]\n1,put,[]\n')
    _write(
        osp.join(ann, 'EPIC_noun_classes.csv'),
        'noun_id,class_key,nouns\n0,pan,[]\n1,cup,[]\n')
    header = ('uid,participant_id,video_id,narration,start_timestamp,'
              'stop_timestamp,start_frame,stop_frame,verb,verb_class,noun,'
              'noun_class,all_nouns,all_noun_classes\n')
    _write(
        osp.join(ann, 'EPIC_train_action_labels.csv'),
        header + '0,P01,P01_01,take pan,00:00:00.00,00:00:01.00,1,3,take,0,'
        'pan,0,[],[]\n1,P01,P01_01,put cup,00:00:01.00,00:00:02.00,2,4,put,'
        '1,cup,1,[],[]\n')
    test_header = ('uid,participant_id,video_id,start_timestamp,'
                   'stop_timestamp,start_frame,stop_frame\n')
    _write(
        osp.join(ann, 'EPIC_test_s1_timestamps.csv'),
        test_header + '5,P01,P01_11,00:00:00.00,00:00:01.00,1,2\n')
    _write(
        osp.join(ann, 'EPIC_test_s2_timestamps.csv'),
        test_header + '6,P09,P09_01,00:00:00.00,00:00:01.00,1,2\n')
    for rel, num in (('train/P01/P01_01', 4), ('test/P01/P01_11', 2),
                     ('test/P09/P09_01', 2)):
        _frames(osp.join(root, 'rgb', rel), num, 'frame_{:010}.jpg')
    return dict(train=2, test_s1=1, test_s2=1)


def plant_epic_kitchens_55(root):
    path = osp.join(root, 'annotations', 'EPIC_train_action_labels.csv')
    with open(path) as f:
        text = f.read()
    _write(path, text.replace('put,1,cup,1', 'put,1,cup,2'))
    shutil.rmtree(osp.join(root, 'rgb', 'test', 'P09'))
    return [
        "EPIC_train_action_labels.csv:3: column 'noun_class': 2 is outside "
        '[0, 1]',
        f"missing frame folders: {osp.join(root, 'rgb', 'test', 'P09')}",
        'train: no segments, published 2'
    ]


def build_epic_kitchens_100(root):
    ann = osp.join(root, 'annotations')
    for kind in ('verb', 'noun'):
        _write(
            osp.join(ann, f'EPIC_100_{kind}_classes.csv'),
            'id,key,instances,category\n0,take,[],x\n1,put,[],x\n')
    header = ('narration_id,participant_id,video_id,narration_timestamp,'
              'start_timestamp,stop_timestamp,start_frame,stop_frame,'
              'narration,verb,verb_class,noun,noun_class,all_nouns,'
              'all_noun_classes\n')
    row = ('{vid}_0,P01,{vid},00:00:00.10,00:00:00.10,00:00:00.40,1,2,'
           'take x,take,0,x,1,[],[]\n')
    _write(
        osp.join(ann, 'EPIC_100_train.csv'),
        header + row.format(vid='P01_101'))
    _write(
        osp.join(ann, 'EPIC_100_validation.csv'),
        header + row.format(vid='P01_102'))
    for vid in ('P01_101', 'P01_102'):
        _audio_clip(osp.join(root, 'videos', 'P01', 'videos', f'{vid}.MP4'))
    return dict(train=1, val=1, verbs=2, nouns=2)


def plant_epic_kitchens_100(root):
    path = osp.join(root, 'videos', 'P01', 'videos', 'P01_102.MP4')
    _video(path)  # no audio stream
    return [f'unreadable video audio: {path}', 'no audio stream']


def build_vggsound(root):
    _write(
        osp.join(root, 'vggsound.csv'), 'aaa,0,dog barking,train\n'
        'bbb,30,"people whistling, humming",train\nccc,12,dog barking,test\n')
    for stem in ('aaa_000000', 'bbb_000030', 'ccc_000012'):
        _audio_clip(osp.join(root, 'videos', f'{stem}.mp4'))
    return {
        'classes': 2,
        'train': 2,
        'test': 1,
        'train clips': 2,
        'test clips': 1
    }


def plant_vggsound(root):
    os.remove(osp.join(root, 'videos', 'bbb_000030.mp4'))
    return [
        f"missing train clips: {osp.join(root, 'videos', 'bbb_000030.mp4')} "
        '(vggsound.csv)', 'train clips: 1 clips with audio, published 2'
    ]


def build_kinetics_sounds(root):
    rows = ['label,youtube_id,time_start,time_end,split,is_cc']
    for i, label in enumerate(KINETICS_SOUNDS_CLASSES):
        rows.append(f'"{label}",yt{i:03d},0,10,train,0')
    rows.append('abseiling,other,0,10,train,0')  # not a Kinetics-Sounds class
    _write(osp.join(root, 'annotations', 'train.csv'), '\n'.join(rows) + '\n')
    _write(
        osp.join(root, 'annotations', 'validate.csv'),
        'label,youtube_id,time_start,time_end,split\n'
        'tickling,val001,5,15,val\n')
    for i in range(len(KINETICS_SOUNDS_CLASSES)):
        _audio_clip(
            osp.join(root, 'videos', 'train', f'yt{i:03d}_000000_000010.mp4'),
            0.1)
    _audio_clip(osp.join(root, 'videos', 'val', 'val001_000005_000015.mp4'))
    return {'train': 31, 'val': 1, 'train clips': 31, 'val clips': 1}


def plant_kinetics_sounds(root):
    path = osp.join(root, 'videos', 'train', 'yt005_000000_000010.mp4')
    _video(path)
    _write(
        osp.join(root, 'annotations', 'validate.csv'),
        'label,youtube_id,time_start,time_end\n')
    return [
        f'unreadable train clips: {path}',
        "validate.csv:1: column 'split': missing"
    ]


def build_ava(root):
    ann = osp.join(root, 'annotations')
    _write(
        osp.join(ann, 'ava_train_v2.2.csv'),
        'vid_a,0902,0.1,0.2,0.5,0.9,12,0\nvid_a,0902,0.1,0.2,0.5,0.9,80,0\n')
    _write(
        osp.join(ann, 'ava_val_v2.2.csv'), 'vid_b,0901,0.0,0.0,1.0,1.0,1,3\n')
    for split in ('train', 'val'):
        _write(
            osp.join(ann, f'ava_{split}_excluded_timestamps_v2.2.csv'),
            'vid_x,0902\n')
    _write(
        osp.join(ann, 'ava_action_list_v2.2_for_activitynet_2019.pbtxt'),
        'item {\n  name: "stand"\n  id: 12\n}\nitem {\n  name: "watch"\n'
        '  id: 80\n}\n')
    _frames(osp.join(root, 'rawframes', 'vid_a'), 61, 'img_{:05}.jpg')
    _frames(osp.join(root, 'rawframes', 'vid_b'), 31, 'img_{:05}.jpg')
    return {'train': 1, 'val': 1, 'classes': 2, 'train rows': 2, 'val rows': 1}


def plant_ava(root):
    os.remove(osp.join(root, 'rawframes', 'vid_a', 'img_00061.jpg'))
    _write(
        osp.join(root, 'annotations', 'ava_val_v2.2.csv'),
        'vid_b,0901,0.0,0.0,1.2,1.0,1,3\n')
    return [
        f"unreadable frame folders: {osp.join(root, 'rawframes', 'vid_a')}",
        'need img_00061.jpg', "ava_val_v2.2.csv:1: column 'x2'"
    ]


def _act_release(root, gt_name, frames, ext):
    run = np.array([[1, 1, 1, 10, 10], [2, 1, 1, 10, 10]], np.float32)
    jump = np.array([[3, 2, 2, 8, 8]], np.float32)
    gt = dict(
        labels=['Run', 'Jump'],
        gttubes={
            'Run/v_1': {
                0: [run]
            },
            'Jump/v_2': {
                1: [jump]
            }
        },
        nframes={
            'Run/v_1': 3,
            'Jump/v_2': 4
        },
        train_videos=[['Run/v_1']],
        test_videos=[['Jump/v_2']],
        resolution={
            'Run/v_1': (24, 32),
            'Jump/v_2': (24, 32)
        })
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, gt_name), 'wb') as f:
        pickle.dump(gt, f)
    for video, num in gt['nframes'].items():
        _frames(osp.join(root, frames, video), num, '{:05}.' + ext)
    return {'classes': 2, 'split1 train': 1, 'split1 test': 1}


def build_ucf101_24(root):
    counts = _act_release(root, 'UCF101v2-GT.pkl', 'rgb-images', 'jpg')
    return dict(counts, videos=2)


def plant_ucf101_24(root):
    folder = osp.join(root, 'rgb-images', 'Jump', 'v_2')
    os.remove(osp.join(folder, '00004.jpg'))
    return [f'unreadable frame folders: {folder}', 'need 00004.jpg']


def build_jhmdb(root):
    counts = _act_release(root, 'JHMDB-GT.pkl', 'Frames', 'png')
    return dict(counts, videos=2)


def plant_jhmdb(root):
    with open(osp.join(root, 'JHMDB-GT.pkl'), 'rb') as f:
        gt = pickle.load(f)
    del gt['resolution']
    with open(osp.join(root, 'JHMDB-GT.pkl'), 'wb') as f:
        pickle.dump(gt, f)
    return ["JHMDB-GT.pkl: key 'resolution': not an ACT ground-truth pickle"]


def build_mpeblink(root):
    write_fake_mpeblink_release(root)
    os.makedirs(osp.join(root, 'validate'))
    return dict(train=1, validate=0, test=2)


def plant_mpeblink(root):
    path = osp.join(root, 'test', '12', 'annote.json')
    with open(path) as f:
        raw = json.load(f)
    raw['c']['blink'] = [[5, 9]]
    _write(path, json.dumps(raw))
    os.remove(osp.join(root, 'train', '7', 'video.mp4'))
    return [
        "annote.json: key 'c.blink[0]'",
        f"missing videos: {osp.join(root, 'train', '7', 'video.mp4')}"
    ]


def build_hust_lebw(root):
    write_fake_hust_lebw(root)
    return {
        'blink left': 1,
        'non_blink left': 2,
        'blink right': 2,
        'non_blink right': 1
    }


def plant_hust_lebw(root):
    path = osp.join(root, 'check', 'movie', 'b', '10', '2face.bmp')
    os.remove(path)
    return [f'missing face crops: {path} (check/gt_non_blink_left.txt:1)']


def build_aide(root):
    for split, name, sample in (('train', 'training.csv',
                                 '0001'), ('val', 'validation.csv', '0002'),
                                ('test', 'testing.csv', '0003')):
        _write(
            osp.join(root, name), f'0,1\nAIDE_Dataset/{sample}/,AIDE_Dataset/'
            f'annotation/{sample}.json\n')
        _write(
            osp.join(root, 'AIDE_Dataset', 'annotation', f'{sample}.json'),
            json.dumps(dict(driver_behavior_label='Talking')))
        _frames(
            osp.join(root, 'AIDE_Dataset', sample, 'incarframes'), 2, '{}.jpg',
            0)
    return dict(train=1, val=1, test=1)


def plant_aide(root):
    _write(
        osp.join(root, 'AIDE_Dataset', 'annotation', '0002.json'),
        json.dumps(dict(driver_behavior_label='Texting')))
    shutil.rmtree(osp.join(root, 'AIDE_Dataset', '0003', 'incarframes'))
    return [
        "0002.json: key 'driver_behavior_label': unknown behaviour "
        "'Texting'", 'missing in-car frame folders: '
        f"{osp.join(root, 'AIDE_Dataset', '0003', 'incarframes')} "
        '(testing.csv:2)'
    ]


def build_3mdad(root):
    for subject in (1, 2):
        for action in range(1, 17):
            _frames(
                osp.join(root, 'Side view RGB', f'S{subject}', f'A{action}'),
                1)
    return dict(drivers=2, folders=32)


def plant_3mdad(root):
    shutil.rmtree(osp.join(root, 'Side view RGB', 'S2', 'A16'))
    return ['driver 2: no folder for actions [16]']


def build_dmd(root):
    folder = osp.join(root, 'gA', '1', 's1')
    stem = 'gA_1_s1_2019-03-08T09;31;15+01;00_rgb'
    _write(
        osp.join(folder, f'{stem}_ann_distraction.json'),
        json.dumps(
            dict(
                openlabel=dict(
                    actions={
                        '0':
                        dict(
                            type='driver_actions/safe_drive',
                            frame_intervals=[dict(frame_start=0, frame_end=3)])
                    }))))
    _video(osp.join(folder, f'{stem}_body.mp4'))
    return {'sessions': 1, 'subjects': 1, 'action intervals': 1}


def plant_dmd(root):
    path = osp.join(
        root, 'gA', '1', 's1',
        'gA_1_s1_2019-03-08T09;31;15+01;00_rgb_ann_distraction'
        '.json')
    with open(path) as f:
        raw = json.load(f)
    raw['openlabel']['actions']['0']['type'] = 'driver_actions/texting'
    _write(path, json.dumps(raw))
    return ["key 'actions.0.type': unknown driver action 'texting'"]


def build_sam_dd(root):
    for top, driver in (('train', 'd1'), ('valid', 'd2')):
        for cls in range(10):
            _frames(osp.join(root, top, driver, str(cls), 'side_RGB'), 1)
    return dict(drivers=2)


def plant_sam_dd(root):
    folder = osp.join(root, 'valid', 'd2', '3', 'side_RGB')
    shutil.rmtree(folder)
    return [f'missing side-view frame folders: {folder} (driver d2, class 3)']


def build_syndd1(root):
    folder = osp.join(root, 'user_id_42271')
    _write(
        osp.join(folder, 'user_id_42271.csv'),
        'User ID,Filename,Camera View,Activity Type,Start Time,End Time,'
        'Label/Class ID,Appearance Block\n'
        '42271,Dashboard_user_id_42271_3,Dashboard,Distracted,0:00:00,'
        '0:00:01,NA,None\n'
        ',,Dashboard,Distracted,0:00:01,0:00:02,3,None\n'
        ',Dashboard_user_id_42271_4,Dashboard,Distracted,0:00:00,0:00:01,7,'
        'None\n')
    _video(osp.join(folder, 'Dashboard_user_id_42271_NoAudio_3.MP4'))
    _video(osp.join(folder, 'Dashboard_user_id_42271_NoAudio_4.MP4'))
    return {'users': 1, 'labelled segments': 2}


def plant_syndd1(root):
    os.remove(
        osp.join(root, 'user_id_42271',
                 'Dashboard_user_id_42271_NoAudio_4.MP4'))
    return ['missing dashboard videos:', 'user_id_42271.csv:4']


def build_auc(root):
    for split, cls in (('Train', 0), ('Test', 1)):
        _write(
            osp.join(root, f'{split}_data_list.csv'),
            f'Image,Label\n/distracted.driver/c{cls}/{split}.jpg,{cls}\n')
        _image(osp.join(root, f'c{cls}', f'{split}.jpg'))
    return dict(train=1, test=1, images=2)


def plant_auc(root):
    path = osp.join(root, 'c1', 'Test.jpg')
    _corrupt(path)
    return [f'unreadable test images: {path} (Test_data_list.csv:2)']


def build_statefarm(root):
    _write(
        osp.join(root, 'driver_imgs_list.csv'), 'subject,classname,img\n'
        'p002,c0,img_1.jpg\np012,c5,img_2.jpg\n')
    _image(osp.join(root, 'imgs', 'train', 'c0', 'img_1.jpg'))
    _image(osp.join(root, 'imgs', 'train', 'c5', 'img_2.jpg'))
    return dict(train=2, drivers=2)


def plant_statefarm(root):
    path = osp.join(root, 'imgs', 'train', 'c5', 'img_2.jpg')
    os.remove(path)
    return [f'missing images: {path} (driver_imgs_list.csv:3)']


def build_dripe(root):
    _image(osp.join(root, 'images', 'train', '0001.jpg'))
    _image(osp.join(root, 'images', 'val', '0002.jpg'))
    return dict(images=2)


def plant_dripe(root):
    path = osp.join(root, 'images', 'val', '0002.jpg')
    _corrupt(path)
    return [f'unreadable images: {path}']


ALL = [name for names in METHOD_DATASETS.values() for name in names]


def test_every_dataset_has_a_spec_and_a_builder():
    assert sorted(ALL) == sorted(RELEASES)
    for name in ALL:
        assert f'build_{name}' in globals() and f'plant_{name}' in globals()
        spec = RELEASES[name]
        assert spec.url and spec.layout
        for count in spec.counts.values():
            # a published number names where it is published
            assert count.expected is None or count.source


@pytest.mark.parametrize('name', ALL)
def test_release(tmp_path, name):
    root = str(tmp_path / name)
    os.makedirs(root)
    counts = globals()[f'build_{name}'](root)
    options = CheckOptions(progress=False, expected=counts)
    report = check_release(name, root, options)
    text = report.format()
    assert report.ok, text
    assert text.splitlines()[-1] == 'OK: 0 problems'
    for split, number in counts.items():
        assert report.found.get(split) == number, (split, text)
    expected = globals()[f'plant_{name}'](root)
    report = check_release(name, root, options)
    text = report.format(max_print=1000)
    assert not report.ok
    for words in expected:
        assert words in text, (words, text)


def test_published_counts_are_checked(tmp_path):
    """Without overrides, a tiny release differs from the published counts
    and fails; --quick does not decode."""
    root = str(tmp_path / 'statefarm')
    build_statefarm(root)
    _corrupt(osp.join(root, 'imgs', 'train', 'c0', 'img_1.jpg'))
    report = check_release('statefarm', root, CheckOptions(progress=False))
    assert 'train: 2 images, published 22424 (Kaggle driver_imgs_list.csv)' \
        in report.problems
    assert any(p.startswith('unreadable images') for p in report.problems)
    quick = check_release(
        'statefarm', root,
        CheckOptions(
            decode=False, progress=False, expected=dict(train=2, drivers=2)))
    assert quick.ok, quick.format()
    assert 'images: 2 checked (existence only)' in quick.format()


def test_missing_media_may_be_allowed(tmp_path):
    root = str(tmp_path / 'vggsound')
    counts = build_vggsound(root)
    plant_vggsound(root)
    counts['train clips'] = 1
    report = check_release(
        'vggsound', root,
        CheckOptions(
            progress=False, allow_missing_media=True, expected=counts))
    assert report.ok, report.format()
    assert any(n.startswith('missing train clips') for n in report.notes)


def test_command_line(tmp_path, run_tool, capsys):
    root = str(tmp_path / 'aide')
    build_aide(root)
    tool = osp.join('tools', 'data', 'check_release.py')
    args = ['aide', root, '--expect', 'train=1', 'val=1', 'test=1']
    result = run_tool([tool] + args)
    assert result.returncode == 0 and 'OK: 0 problems' in result.output
    assert '100%|' in result.output  # progress bar
    # the same tool in this process: planted faults, listing
    spec = importlib.util.spec_from_file_location('check_release',
                                                  osp.join(REPO, tool))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plant_aide(root)
    capsys.readouterr()
    assert module.main(args + ['--no-progress']) == 1
    out = capsys.readouterr()
    assert 'FAILED: 2 problems' in out.out and '100%|' not in out.err
    assert module.main(['--list']) == 0
    listing = capsys.readouterr().out
    assert '    train: 22424 images (Kaggle driver_imgs_list.csv)' in listing
    assert [line for line in listing.splitlines()
            if line.startswith('# ')] == [f'# {m}' for m in METHOD_DATASETS]
