# Copyright (c) mmvb contributors. All rights reserved.
import pytest
from mmaction.datasets import (AudioDataset, BaseActionDataset,
                               RawframeDataset, VideoDataset)
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

import mmvb  # noqa: F401
from mmvb.datasets import (CheckedAudioDataset, CheckedRawframeDataset,
                           CheckedVideoDataset, LoadErrorContextMixin,
                           add_error_context)


def _notes(error):
    return '\n'.join(getattr(error, '__notes__', []))


@pytest.fixture
def bad_video(tmp_path):
    """A one-line video list whose video is not a video."""
    video = tmp_path / 'clip_0.mp4'
    video.write_bytes(b'this is not an mp4 file')
    ann = tmp_path / 'list.txt'
    ann.write_text('clip_0.mp4 1\n')
    return str(ann), str(video)


def _dataset(cls, ann, root):
    init_default_scope('mmaction')
    return cls(
        ann, pipeline=[dict(type='DecordInit')], data_prefix=dict(video=root))


def test_error_names_file_index_and_annotation_file(bad_video, tmp_path):
    ann, video = bad_video
    dataset = _dataset(CheckedVideoDataset, ann, str(tmp_path))
    with pytest.raises(Exception) as info:
        dataset[0]
    note = _notes(info.value) or str(info.value)
    assert f'while loading sample 0 ({video}) of CheckedVideoDataset ' \
        f'from {ann}' in note
    # same type as the underlying error (decord's)
    upstream = _dataset(VideoDataset, ann, str(tmp_path))
    with pytest.raises(type(info.value)):
        upstream[0]


def test_mmaction_error_still_lacks_the_file(bad_video, tmp_path):
    """MMAction2 1.2.0 decodes from a buffer, so the error names no file.
    Fails once it does: then ``LoadErrorContextMixin`` can go."""
    ann, video = bad_video
    dataset = _dataset(VideoDataset, ann, str(tmp_path))
    with pytest.raises(Exception) as info:
        dataset[0]
    text = str(info.value) + _notes(info.value)
    assert 'clip_0' not in text


def test_checked_datasets_are_mmaction_datasets():
    for ours, upstream in ((CheckedVideoDataset, VideoDataset),
                           (CheckedRawframeDataset, RawframeDataset),
                           (CheckedAudioDataset, AudioDataset)):
        assert issubclass(ours, upstream)
        assert DATASETS.get(ours.__name__) is ours


def test_every_mmvb_action_dataset_names_its_files():
    for name, cls in DATASETS.module_dict.items():
        if cls.__module__.startswith('mmvb') and \
                issubclass(cls, BaseActionDataset):
            assert issubclass(cls, LoadErrorContextMixin), name


def test_add_error_context():
    error = ValueError('bad value')
    add_error_context(error, 'while loading sample 3')
    assert 'while loading sample 3' in _notes(error) + str(error)
    assert str(error).startswith('bad value')
