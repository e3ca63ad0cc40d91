# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
import re
from typing import Callable, Dict, List, Tuple, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmaction.utils import ConfigType
from mmengine.fileio import load

from .annotation_io import AnnotationError
from .load_error_context import LoadErrorContextMixin


def check_annote(raw: Dict, path: str) -> Dict[str, Dict]:
    """Check one ``annote.json`` of the MPEblink release.

    The file (documented by the official converter
    ``tools/dataset_converters/mpeblink_build_raw_frames_dataset.py``,
    wenzhengzeng/MPEblink) holds ``height``, ``width``, ``length`` and one
    entry per person: ``bbox`` (``length`` items, ``[x, y, w, h]`` or
    ``null`` where the face is absent), ``landmark`` (``length`` items) and
    ``blink`` (inclusive ``[start, end]`` frame intervals).

    A face may be cut by the frame border (people walk in and out), so only
    empty boxes and boxes that miss the frame entirely are errors.

    Args:
        raw (dict): The loaded JSON.
        path (str): The file, for the errors.

    Returns:
        dict: ``{person key: entry}``.

    Raises:
        AnnotationError: Naming the file and the key.
    """
    for key in ('height', 'width', 'length'):
        if not isinstance(raw.get(key), int) or raw[key] <= 0:
            raise AnnotationError(
                path, f'{raw.get(key)!r} is not a positive integer', key=key)
    height, width, length = raw['height'], raw['width'], raw['length']
    persons = {
        k: v
        for k, v in raw.items() if k not in ('height', 'width', 'length')
    }
    for name, person in persons.items():
        for key in ('bbox', 'landmark', 'blink'):
            if key not in person:
                raise AnnotationError(
                    path,
                    f'missing (keys: {sorted(person)})',
                    key=f'{name}.{key}')
        for key in ('bbox', 'landmark'):
            if len(person[key]) != length:
                raise AnnotationError(
                    path, f'{len(person[key])} items for a video of '
                    f'length {length}',
                    key=f'{name}.{key}')
        for t, box in enumerate(person['bbox']):
            if box is None:
                continue
            if len(box) != 4:
                raise AnnotationError(
                    path,
                    f'a box is [x, y, w, h], got {box!r}',
                    key=f'{name}.bbox[{t}]')
            x, y, w, h = (float(v) for v in box)
            if w <= 0 or h <= 0:
                raise AnnotationError(
                    path, f'empty box {box}', key=f'{name}.bbox[{t}]')
            if x >= width or y >= height or x + w <= 0 or y + h <= 0:
                raise AnnotationError(
                    path, f'box {box} (x, y, w, h) is outside the '
                    f'{width}x{height} frame',
                    key=f'{name}.bbox[{t}]')
        for i, interval in enumerate(person['blink']):
            if len(interval) != 2 or not \
                    0 <= interval[0] <= interval[1] < length:
                raise AnnotationError(
                    path, f'blink {interval!r} is not [start, end] with 0 '
                    f'<= start <= end < {length}',
                    key=f'{name}.blink[{i}]')
    return persons


def video_clip_starts(num_frames: int,
                      clip_len: int = 36,
                      stride: int = 18) -> List[Tuple[int, int]]:
    """Test-time clips of a long video (official ``test_mpeblink.py``).

    A video of ``L <= clip_len`` frames is one clip of ``L`` frames;
    otherwise clips start at ``0, stride, 2 * stride, ...`` and the last
    clip is the last ``clip_len`` frames, ``ceil((L - clip_len) / stride)
    + 1`` clips in all.

    Args:
        num_frames (int): Video length ``L``.
        clip_len (int): Frames per clip. Defaults to 36.
        stride (int): Clip stride. Defaults to 18.

    Returns:
        list[tuple[int, int]]: ``(start, length)`` of every clip.
    """
    assert num_frames > 0, 'the video has no frames'
    assert 0 < stride <= clip_len, 'need 0 < stride <= clip_len'
    if num_frames <= clip_len:
        return [(0, num_frames)]
    num = -(-(num_frames - clip_len) // stride) + 1
    starts = [i * stride for i in range(num - 1)] + [num_frames - clip_len]
    return [(s, clip_len) for s in starts]


def official_train_clip(frame: int, eligible: np.ndarray,
                        eligible_set: frozenset, clip_len: int,
                        frame_interval: int) -> List[int]:
    """Frames of a training clip centred on ``frame`` (official sampling).

    ``clip_len // 2`` frames on each side at ``frame_interval`` steps;
    a neighbour is used only if it is an *eligible* frame (at least one
    face) inside ``[first, last]`` eligible frame; missing past neighbours
    are replaced by the first eligible frame of the video, missing future
    ones by the last, and the indices are sorted (``prepare_train_clip``
    of ``mmdet/datasets/mpeblink.py``, wenzhengzeng/MPEblink@ee9a44f).
    The clip has ``2 * (clip_len // 2) + 1`` frames.

    Args:
        frame (int): Centre frame (eligible).
        eligible (np.ndarray): Sorted eligible frames of the video.
        eligible_set (frozenset): The same as a set.
        clip_len (int): Clip length (11 officially).
        frame_interval (int): Step between frames (2 officially).

    Returns:
        list[int]: Sorted frame indices.
    """
    half = clip_len // 2
    first, last = int(eligible[0]), int(eligible[-1])
    past = [
        frame - frame_interval * i for i in range(1, half + 1)
        if frame - frame_interval * i >= first and frame -
        frame_interval * i in eligible_set
    ]
    future = [
        frame + frame_interval * i for i in range(1, half + 1)
        if frame + frame_interval * i <= last and frame +
        frame_interval * i in eligible_set
    ]
    past += [first] * (half - len(past))
    future += [last] * (half - len(future))
    return sorted([frame] + past + future)


@DATASETS.register_module()
class MPEblinkDataset(LoadErrorContextMixin, BaseActionDataset):
    """MPEblink (Zeng et al., CVPR 2023) multi-person eyeblink videos.

    Reads the annotation JSON written by
    ``tools/data/mpeblink/convert_mpeblink.py`` (the official converter's
    format) and the ``<split>_rawframes`` folders:

    .. code-block:: none

        {"videos": [{"id": 3, "width": 640, "height": 360, "length": 71,
                     "file_names": ["3/00000.png", ...]}, ...],
         "annotations": [{"id": 1, "video_id": 3, "category_id": 1,
                          "bboxes": [[x, y, w, h] | null, ...],
                          "blinks": [[start, end], ...],
                          "blinks_binary": [0 | 1 | null, ...]}, ...]}

    One annotation is one person over the whole video; ``null`` marks the
    frames where the face is absent (left the view or seriously occluded).

    **Training** (``test_mode=False``): one sample per frame that has at
    least one face; the clip around it follows the official sampling
    (:func:`official_train_clip`: 11 frames every 2nd frame). The sample
    holds every person present in at least one frame of the clip: boxes
    ``gt_bboxes [G, T, 4]`` (``xyxy`` normalised by the video size, scaled
    to pixels by ``RawFrameDecode``; zero where absent), ``gt_valid
    [G, T]``, ``gt_blinks [G, T]`` (1 inside a blink), ``gt_labels [G]``
    (0, "person_face") and ``gt_ids [G]`` (annotation ids).

    **Testing**: one sample per clip of every video
    (:func:`video_clip_starts`, 36 frames, stride 18) with meta keys
    ``video_id``, ``clip_start``, ``clip_index``, ``num_clips`` and
    ``video_length``; the metric links the clips into video tracks.

    Args:
        ann_file (str): Annotation JSON.
        pipeline (list[dict | callable]): Processing pipeline.
        data_prefix (dict): ``img`` is the rawframes folder the
            ``file_names`` are relative to. Defaults to ``dict(img='')``.
        clip_len (int): Training clip length. Defaults to 11.
        frame_interval (int): Training frame step. Defaults to 2.
        test_clip_len (int): Test clip length. Defaults to 36.
        test_stride (int): Test clip stride. Defaults to 18.
        test_mode (bool): Build test clips. Defaults to False.
        **kwargs: :class:`mmaction.datasets.BaseActionDataset` arguments.
    """

    METAINFO = dict(classes=('person_face', ))

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[ConfigType, Callable]],
                 data_prefix: ConfigType = dict(img=''),
                 clip_len: int = 11,
                 frame_interval: int = 2,
                 test_clip_len: int = 36,
                 test_stride: int = 18,
                 test_mode: bool = False,
                 **kwargs) -> None:
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.test_clip_len = test_clip_len
        self.test_stride = test_stride
        self.videos: List[Dict] = []
        super().__init__(
            ann_file,
            pipeline=pipeline,
            data_prefix=data_prefix,
            test_mode=test_mode,
            **kwargs)

    @staticmethod
    def _frame_template(video: Dict) -> Tuple[str, str]:
        """Folder and ``str.format`` template of a video's frame files."""
        names = video['file_names']
        folder = osp.dirname(names[0])
        match = re.fullmatch(r'(\d+)(\.\w+)', osp.basename(names[0]))
        assert match, f'unexpected frame name {names[0]}'
        digits, ext = len(match.group(1)), match.group(2)
        tmpl = '{:0' + str(digits) + '}' + ext
        prefix = f'{folder}/' if folder else ''
        for i, name in enumerate(names):
            assert name == prefix + tmpl.format(i), \
                f'frame {i} of video {video["id"]} is {name}; ' \
                'MPEblinkDataset needs consecutive 0-based frame names (as ' \
                'the converter writes)'
        return folder, tmpl

    def load_data_list(self) -> List[Dict]:
        """Load videos and tracks; list training clips or test clips."""
        data = load(self.ann_file)
        by_video: Dict[int, List[Dict]] = {v['id']: [] for v in data['videos']}
        for ann in data['annotations']:
            by_video[ann['video_id']].append(ann)
        self.videos = []
        data_list = []
        for video in data['videos']:
            folder, tmpl = self._frame_template(video)
            num_frames = len(video['file_names'])
            anns = by_video[video['id']]
            g = len(anns)
            boxes = np.zeros((g, num_frames, 4), np.float32)
            valid = np.zeros((g, num_frames), bool)
            blinks = np.zeros((g, num_frames), np.float32)
            scale = np.array([video['width'], video['height']] * 2, np.float32)
            for i, ann in enumerate(anns):
                for t, box in enumerate(ann['bboxes'][:num_frames]):
                    if box is None:
                        continue
                    x, y, w, h = box
                    boxes[i, t] = np.array([x, y, x + w, y + h]) / scale
                    valid[i, t] = True
                    blinks[i, t] = float(ann['blinks_binary'][t] or 0)
            self.videos.append(
                dict(
                    video_id=video['id'],
                    frame_dir=osp.join(self.data_prefix['img'], folder),
                    filename_tmpl=tmpl,
                    num_frames=num_frames,
                    boxes=boxes,
                    valid=valid,
                    blinks=blinks,
                    ids=np.array([a['id'] for a in anns], np.int64)))
            v = len(self.videos) - 1
            if self.test_mode:
                clips = video_clip_starts(num_frames, self.test_clip_len,
                                          self.test_stride)
                for c, (start, length) in enumerate(clips):
                    data_list.append(
                        dict(
                            video_index=v,
                            frame_inds=np.arange(start, start + length),
                            clip_start=start,
                            clip_index=c,
                            num_clips=len(clips)))
                continue
            eligible = np.flatnonzero(valid.any(0))
            eligible_set = frozenset(eligible.tolist())
            for frame in eligible.tolist():
                data_list.append(
                    dict(
                        video_index=v,
                        frame_inds=np.array(
                            official_train_clip(frame, eligible, eligible_set,
                                                self.clip_len,
                                                self.frame_interval))))
        return data_list

    def get_data_info(self, idx: int) -> Dict:
        """A clip's frame location and its face tracklets."""
        info = super().get_data_info(idx)
        video = self.videos[info['video_index']]
        inds = info['frame_inds']
        info.update(
            video_id=video['video_id'],
            frame_dir=video['frame_dir'],
            filename_tmpl=video['filename_tmpl'],
            video_length=video['num_frames'],
            num_frames=len(inds))
        if not self.test_mode:
            valid = video['valid'][:, inds]
            keep = valid.any(1)
            info.update(
                gt_bboxes=video['boxes'][keep][:, inds],
                gt_valid=valid[keep],
                gt_blinks=video['blinks'][keep][:, inds],
                gt_labels=np.zeros(int(keep.sum()), np.int64),
                gt_ids=video['ids'][keep])
        return info
