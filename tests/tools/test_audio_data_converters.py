# Copyright (c) mmvb contributors. All rights reserved.
"""The dataset converters of tools/data on tiny fake releases (official
annotation formats, real media files)."""
import csv
import importlib.util
import os.path as osp

import numpy as np
import pytest

from mmvb.datasets.synthetic import write_av_clip, write_video

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool(rel):
    spec = importlib.util.spec_from_file_location(
        rel.replace('/', '_'), osp.join(ROOT, rel))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _clip(path, seconds=1.0, sr=22050, freq=440):
    t = np.arange(int(sr * seconds)) / sr
    write_av_clip(str(path), 0.3 * np.sin(2 * np.pi * freq * t), sr)


def _lines(path):
    with open(path) as f:
        return [line.split() for line in f]


def test_kinetics_sounds(tmp_path):
    ann, videos, out = tmp_path / 'ann', tmp_path / 'videos', tmp_path / 'ks'
    ann.mkdir()
    header = 'label,youtube_id,time_start,time_end,split,is_cc\n'
    (ann / 'train.csv').write_text(
        header + 'playing bagpipes,aaa,10,20,train,0\n'
        'tickling,bbb,0,10,train,0\n'
        'abseiling,ccc,5,15,train,0\n'  # not a Kinetics-Sounds class
        'tickling,silent,0,10,train,0\n'  # no audio stream
        'singing,gone,0,10,train,0\n')  # not downloaded
    (ann /
     'validate.csv').write_text(header +
                                '"playing bagpipes",ddd,1,11,validate,0\n')
    _clip(videos / 'train' / 'playing_bagpipes' / 'aaa_000010_000020.mp4')
    _clip(videos / 'train' / 'tickling' / 'bbb_000000_000010.mp4', 2.0)
    _clip(videos / 'train' / 'abseiling' / 'ccc_000005_000015.mp4')
    write_video(
        str(videos / 'train' / 'tickling' / 'silent_000000_000010.mp4'),
        np.zeros((4, 32, 32, 3), np.uint8))
    _clip(videos / 'val' / 'ddd_000001_000011.mp4')
    tool = _tool('tools/data/kinetics_sounds/build_audio_list.py')
    summary = tool.main([str(ann), str(videos), str(out), '--no-progress'])
    assert summary['train'] == dict(
        annotated=4, missing_video=1, no_audio=1, valid=2)
    classes = open(out / 'classes.txt').read().split('\n')[:-1]
    assert len(classes) == 31
    train = _lines(out / 'kinetics_sounds_train_list_audio.txt')
    assert train[0][0] == 'train/playing_bagpipes/aaa_000010_000020.mp4'
    assert int(train[0][2]) == classes.index('playing bagpipes')
    assert int(train[1][1]) == pytest.approx(2 * 16000, rel=0.05)
    # --extract: 16 kHz mono wav next to the lists.
    tool.main([str(ann), str(videos), str(out), '--extract', '--no-progress'])
    val = _lines(out / 'kinetics_sounds_val_list_audio.txt')
    assert val[0][0] == 'audio/val/ddd_000001_000011.wav'
    assert osp.isfile(out / val[0][0])


def test_vggsound(tmp_path):
    videos, out = tmp_path / 'videos', tmp_path / 'vgg'
    rows = [('aaa', 0, 'dog barking', 'train'),
            ('bbb', 30, 'playing piano', 'train'),
            ('ccc', 12, 'people whistling, humming', 'test'),
            ('ddd', 5, 'dog barking', 'test')]  # not downloaded
    with open(tmp_path / 'vggsound.csv', 'w', newline='') as f:
        csv.writer(f).writerows(rows)
    for ytid, start, _, _ in rows[:3]:
        _clip(videos / f'{ytid}_{start:06d}.mp4')
    tool = _tool('tools/data/vggsound/build_audio_list.py')
    summary = tool.main([
        str(tmp_path / 'vggsound.csv'),
        str(videos),
        str(out), '--extract', '--no-progress'
    ])
    assert summary['num_classes'] == 3
    assert summary['test'] == dict(
        annotated=2, missing_video=1, no_audio=0, valid=1)
    classes = open(out / 'classes.txt').read().split('\n')[:-1]
    assert classes == [
        'dog barking', 'people whistling, humming', 'playing piano'
    ]
    test = _lines(out / 'vggsound_test_list_audio.txt')
    assert test == [['audio/test/ccc_000012.wav', test[0][1], '1']]
    assert osp.isfile(out / 'audio' / 'test' / 'ccc_000012.wav')


def _epic_row(nid, video, start, stop, verb, noun):
    return dict(
        narration_id=nid,
        participant_id=video[:3],
        video_id=video,
        narration_timestamp=start,
        start_timestamp=start,
        stop_timestamp=stop,
        start_frame=1,
        stop_frame=2,
        narration='x',
        verb='v',
        verb_class=verb,
        noun='n',
        noun_class=noun,
        all_nouns="['n']",
        all_noun_classes=f'[{noun}]')


def _write_csv(path, rows):
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_epic_kitchens_100(tmp_path):
    ann, videos, out = tmp_path / 'ann', tmp_path / 'EPIC', tmp_path / 'out'
    ann.mkdir()
    _write_csv(ann / 'EPIC_100_train.csv', [
        _epic_row('P01_101_0', 'P01_101', '00:00:00.50', '00:00:01.25', 0, 2),
        _epic_row('P01_101_1', 'P01_101', '00:00:02.00', '00:00:03.00', 2, 0),
        _epic_row('P02_001_0', 'P02_001', '00:00:00.00', '00:00:01.00', 0, 4),
    ])
    _write_csv(
        ann / 'EPIC_100_validation.csv',
        [
            _epic_row('P01_102_0', 'P01_102', '00:00:01.10', '00:00:02.60', 2,
                      1),  # noun 1 has no training segment
        ])
    for task, n in (('verb', 3), ('noun', 5)):
        _write_csv(ann / f'EPIC_100_{task}_classes.csv', [
            dict(id=i, key=f'{task}{i}', instances='[]', category='c')
            for i in range(n)
        ])
    _clip(videos / 'P01' / 'videos' / 'P01_101.MP4', 4.0)
    _clip(videos / 'P01' / 'videos' / 'P01_102.MP4', 3.0)
    # P02_001 is not downloaded.
    tool = _tool('tools/data/epic_kitchens_100/build_audio_list.py')
    summary = tool.main([str(ann), str(videos), str(out), '--no-progress'])
    assert summary == dict(
        num_verbs=2,
        num_nouns=3,
        videos=3,
        videos_without_audio=1,
        train=2,
        val=1)
    assert open(out / 'verb_classes.txt').read().split() == ['verb0', 'verb2']
    assert open(out / 'noun_classes.txt').read().split() == [
        'noun0', 'noun2', 'noun4'
    ]
    train = _lines(out / 'epic100_audio_train.txt')
    assert train == [['audio/P01_101.wav', '0.50', '1.25', '0', '1'],
                     ['audio/P01_101.wav', '2.00', '3.00', '1', '0']]
    assert _lines(out / 'epic100_audio_val.txt') == [[
        'audio/P01_102.wav', '1.10', '2.60', '1', '-1'
    ]]
    assert osp.isfile(out / 'audio' / 'P01_101.wav')
    summary = tool.main([
        str(ann),
        str(videos),
        str(out), '--keep-all-classes', '--no-progress'
    ])
    assert summary['num_nouns'] == 5
    assert _lines(out / 'epic100_audio_val.txt')[0][3:] == ['2', '1']
