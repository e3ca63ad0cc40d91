# Copyright (c) mmvb contributors. All rights reserved.
"""Run a spatio-temporal action localizer (e.g. BMViT) over a video."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import mmcv
import numpy as np
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint
from mmengine.structures import InstanceData
from torch import nn


def _find_transform(pipeline: Sequence[dict], name: str) -> Optional[dict]:
    for t in pipeline:
        if t['type'] == name:
            return t
    return None


def init_localizer(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu') -> nn.Module:
    """Build a localizer from a config and load its weights.

    The model keeps the config (``model.cfg``) for :func:`clip_settings`.
    Pretrained-backbone initialisation is not run (the checkpoint holds all
    weights; without one the weights are random).

    Args:
        config (str or Config): Config path or object.
        checkpoint (str, optional): Checkpoint to load.
        device (str): Device. Defaults to ``'cpu'``.

    Returns:
        nn.Module: The model in eval mode.
    """
    import mmvb  # noqa: F401  (registers modules)
    if isinstance(config, str):
        config = Config.fromfile(config)
    init_default_scope(config.get('default_scope', 'mmaction'))
    model = MODELS.build(config.model)
    if checkpoint is not None:
        load_checkpoint(model, checkpoint, map_location='cpu')
    model.cfg = config
    return model.to(device).eval()


def clip_settings(cfg: Config) -> Dict:
    """Clip sampling and resizing of a config's test pipeline.

    Returns:
        dict: ``clip_len`` and ``frame_interval`` (``SampleAVAFrames``) and
        ``scale`` / ``keep_ratio`` (``Resize``; ``scale=None`` if the
        pipeline does not resize).
    """
    dataloader = cfg.get('test_dataloader') or cfg.val_dataloader
    pipeline = dataloader.dataset.pipeline
    sample = _find_transform(pipeline, 'SampleAVAFrames')
    assert sample is not None, 'the test pipeline has no SampleAVAFrames'
    resize = _find_transform(pipeline, 'Resize') or {}
    return dict(
        clip_len=sample['clip_len'],
        frame_interval=sample.get('frame_interval', 2),
        scale=resize.get('scale'),
        keep_ratio=resize.get('keep_ratio', True))


def clip_indices(keyframe: int, num_frames: int, clip_len: int,
                 frame_interval: int) -> np.ndarray:
    """Indices of the clip centred on ``keyframe`` (0-based), clamped to
    the video, as ``SampleAVAFrames`` samples them in test mode."""
    start = keyframe - (clip_len // 2) * frame_interval
    inds = start + np.arange(clip_len) * frame_interval
    return np.clip(inds, 0, num_frames - 1)


def _resized_shape(height: int, width: int, scale,
                   keep_ratio: bool) -> Tuple[int, int]:
    """Output ``(h, w)`` of MMAction2's ``Resize(scale, keep_ratio)``."""
    if scale is None:
        return height, width
    if not keep_ratio:
        return int(scale[1]), int(scale[0])
    if min(scale) == -1:  # (-1, s): short side to s
        scale = (np.inf, max(scale))
    new_w, new_h = mmcv.rescale_size((width, height), scale)
    return new_h, new_w


@torch.no_grad()
def inference_localizer(model: nn.Module, frames: Sequence[np.ndarray],
                        keyframes: Sequence[int]) -> List[InstanceData]:
    """Detect actors and their actions at key frames of a video.

    Args:
        model (nn.Module): From :func:`init_localizer`.
        frames (Sequence[np.ndarray]): All frames of the video, RGB
            ``[H, W, 3]`` uint8.
        keyframes (Sequence[int]): 0-based indices of the frames to
            localize (each is the centre of one clip).

    Returns:
        list[InstanceData]: Per key frame, ``bboxes`` in pixels of the
        frame (``x1, y1, x2, y2``), ``scores`` ``[n, num_classes]``
        (column 0 unused) and ``actor_scores``.
    """
    settings = clip_settings(model.cfg)
    height, width = frames[0].shape[:2]
    new_h, new_w = _resized_shape(height, width, settings['scale'],
                                  settings['keep_ratio'])
    resized = [mmcv.imresize(f, (new_w, new_h)) for f in frames]
    results = []
    for key in keyframes:
        inds = clip_indices(key, len(frames), settings['clip_len'],
                            settings['frame_interval'])
        clip = np.stack([resized[i] for i in inds])  # [T, H, W, 3]
        inputs = torch.from_numpy(clip).permute(3, 0, 1, 2).contiguous()
        sample = ActionDataSample()
        sample.set_metainfo(dict(img_shape=(new_h, new_w)))
        out, = model.test_step(dict(inputs=[inputs], data_samples=[sample]))
        pred = out.pred_instances
        scale = pred.bboxes.new_tensor([width, height, width, height])
        results.append(
            InstanceData(
                bboxes=(pred.bboxes * scale).cpu(),
                scores=pred.scores.cpu(),
                actor_scores=pred.actor_scores.cpu()))
    return results


def draw_detections(frame: np.ndarray,
                    result: InstanceData,
                    class_names: Dict[int, str],
                    topk: int = 3,
                    score_thr: float = 0.0) -> np.ndarray:
    """Draw boxes and their top actions on an RGB frame (a copy).

    Args:
        frame (np.ndarray): RGB ``[H, W, 3]`` uint8.
        result (InstanceData): One entry of :func:`inference_localizer`.
        class_names (dict[int, str]): Class id (column of ``scores``) ->
            name; missing ids are shown as ``action <id>``.
        topk (int): Actions written per box. Defaults to 3.
        score_thr (float): Actions with a score at most this are not
            written. Defaults to 0.

    Returns:
        np.ndarray: The annotated frame.
    """
    out = np.ascontiguousarray(frame).copy()
    height = out.shape[0]
    font_scale = max(0.3, height / 720)
    thickness = max(1, int(round(height / 360)))
    for box, scores in zip(result.bboxes.numpy(), result.scores.numpy()):
        x1, y1, x2, y2 = [int(round(v)) for v in box]
        cv2.rectangle(out, (x1, y1), (x2, y2), (0, 255, 0), thickness)
        order = np.argsort(-scores[1:])[:topk] + 1
        lines = [
            f'{class_names.get(int(c), f"action {c}")}: {scores[c]:.2f}'
            for c in order if scores[c] > score_thr
        ]
        y = y1
        for line in lines:
            (w, h), base = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX,
                                           font_scale, 1)
            y_text = max(y + h + 2, h + 2)
            cv2.rectangle(out, (x1, y_text - h - 2),
                          (x1 + w + 2, y_text + base), (0, 0, 0), -1)
            cv2.putText(out, line, (x1 + 1, y_text), cv2.FONT_HERSHEY_SIMPLEX,
                        font_scale, (255, 255, 255), 1, cv2.LINE_AA)
            y = y_text + base
    return out
