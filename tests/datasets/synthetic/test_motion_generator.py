# Copyright (c) mmvb contributors. All rights reserved.
import hashlib
import json
import os.path as osp
import runpy
import sys

import decord
import numpy as np
import pytest

from mmvb.datasets.synthetic import (GENERATORS, MOTION_CLASSES,
                                     generate_motion_dataset,
                                     render_motion_clip)

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def _md5(path):
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


def test_files_in_mmaction_formats(tmp_path):
    out = generate_motion_dataset(
        str(tmp_path),
        num_train=12,
        num_val=6,
        num_frames=10,
        size=40,
        formats=('videos', 'rawframes'),
        progress=False)
    assert set(out) == {
        'train_videos', 'train_rawframes', 'val_videos', 'val_rawframes'
    }
    with open(out['train_videos']) as f:
        video_lines = f.read().splitlines()
    with open(out['train_rawframes']) as f:
        frame_lines = f.read().splitlines()
    assert len(video_lines) == len(frame_lines) == 12
    # balanced labels, "path label" and "dir num_frames label"
    labels = [int(line.split()[1]) for line in video_lines]
    assert labels == [i % len(MOTION_CLASSES) for i in range(12)]
    rel, num_frames, label = frame_lines[3].split()
    assert (int(num_frames), int(label)) == (10, 3)
    assert osp.isfile(tmp_path / rel / 'img_00001.jpg')
    assert osp.isfile(tmp_path / rel / 'img_00010.jpg')
    assert not osp.exists(tmp_path / rel / 'img_00011.jpg')
    # decord reads the mp4 files
    vr = decord.VideoReader(str(tmp_path / video_lines[0].split()[0]))
    assert len(vr) == 10
    assert vr[0].shape == (40, 40, 3)
    with open(tmp_path / 'label_map.txt') as f:
        assert tuple(f.read().splitlines()) == MOTION_CLASSES
    meta = json.loads((tmp_path / 'meta.json').read_text())
    assert meta['generator'] == 'motion' and meta['num_frames'] == 10


def test_same_seed_same_files(tmp_path):
    a = generate_motion_dataset(
        str(tmp_path / 'a'), num_train=3, num_val=1, progress=False)
    b = generate_motion_dataset(
        str(tmp_path / 'b'), num_train=3, num_val=1, progress=False)
    generate_motion_dataset(
        str(tmp_path / 'c'), num_train=3, num_val=1, seed=1, progress=False)
    rel = 'videos/train/00001.mp4'
    assert _md5(tmp_path / 'a' / rel) == _md5(tmp_path / 'b' / rel)
    assert _md5(tmp_path / 'a' / rel) != _md5(tmp_path / 'c' / rel)
    assert open(a['train_videos']).read() == open(b['train_videos']).read()


@pytest.mark.parametrize('pair', [(0, 1), (2, 3), (4, 5)])
def test_pairs_differ_only_in_order(pair):
    """A clip and the clip of its paired class drawn with the same random
    stream hold the same frames in reverse order (up to the per-frame
    noise): frame averages agree, the sequences do not."""
    a = render_motion_clip(pair[0], np.random.default_rng(7)).astype(float)
    b = render_motion_clip(pair[1], np.random.default_rng(7)).astype(float)
    mean_gap = np.abs(a.mean(0) - b.mean(0)).mean()
    seq_gap = np.abs(a - b).mean()
    reversed_gap = np.abs(a - b[::-1]).mean()
    assert mean_gap < 4.0  # order-less statistics: nearly identical
    assert seq_gap > 5 * mean_gap  # the sequences differ
    assert reversed_gap < seq_gap  # time-reversed, they match better


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match='unknown formats'):
        generate_motion_dataset(str(tmp_path), formats=('gif', ))
    with pytest.raises(ValueError, match='label must be in'):
        render_motion_clip(6, np.random.default_rng(0))
    assert GENERATORS['motion'] is generate_motion_dataset
    # decord 0.6.0 misreads 24-pixel-wide videos: refused up front
    with pytest.raises(ValueError, match='decord cannot decode 24x24'):
        generate_motion_dataset(str(tmp_path), size=24, progress=False)


def _generate_main(monkeypatch, *args):
    """tools/data/synthetic/generate.py's ``main`` in this process."""
    monkeypatch.setattr(sys, 'argv', ['generate.py'] + list(args))
    runpy.run_path(
        osp.join(REPO, 'tools', 'data', 'synthetic', 'generate.py'),
        run_name='__main__')


def test_generate_cli(tmp_path, run_tool, monkeypatch, capsys):
    # the command line, once as a real process ...
    out = run_tool([
        'tools/data/synthetic/generate.py', 'motion',
        str(tmp_path), '--num-train', '2', '--num-val', '1', '--set',
        'size=32', 'num_frames=4', '--no-progress'
    ]).output
    assert json.loads(
        out[out.index('{'):])['train_videos'].endswith('train_list_videos.txt')
    assert len(decord.VideoReader(str(tmp_path / 'videos/val/00000.mp4'))) == 4
    # ... its errors and listing through the script's main
    with pytest.raises(SystemExit, match=r"does not take \['colour'\]"):
        _generate_main(monkeypatch, 'motion', str(tmp_path), '--set',
                       'colour=1')
    _generate_main(monkeypatch, '--list')
    assert 'motion(out_dir' in capsys.readouterr().out
