# Copyright (c) mmvb contributors. All rights reserved.
"""Spatial attention masks of a recognizer on one video (W3 Fig. 3)."""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from torch import nn

from mmvb.datasets import count_frames
from mmvb.models.layers import collect_attention_maps


def video_inputs(path: str, cfg, filename_tmpl: Optional[str] = None) -> dict:
    """A pipeline input dict for a video file or a folder of frames.

    Args:
        path (str): Video file, or folder of frames named by
            ``filename_tmpl``.
        cfg (Config): Its ``test_dataloader`` (else ``val_dataloader``)
            gives the frame name template of rawframe datasets.
        filename_tmpl (str, optional): Override the template.

    Returns:
        dict: Input of the config's test pipeline.
    """
    if osp.isdir(path):
        if filename_tmpl is None:
            loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
            filename_tmpl = loader.dataset.get('filename_tmpl',
                                               'img_{:05}.jpg')
        return dict(
            frame_dir=path,
            total_frames=count_frames(path),
            label=-1,
            start_index=1,
            offset=0,
            filename_tmpl=filename_tmpl,
            modality='RGB')
    return dict(filename=path, label=-1, start_index=0, modality='RGB')


_VIDEO_INIT = ('DecordInit', 'PyAVInit', 'OpenCVInit')
_VIDEO_DECODE = ('DecordDecode', 'PyAVDecode', 'OpenCVDecode')


def frame_folder_pipeline(pipeline: Sequence[dict]) -> List[dict]:
    """A video test pipeline made to read a folder of frames: the video
    opening step is dropped and the video decoder becomes
    ``RawFrameDecode``; other steps are kept."""
    out = []
    for step in pipeline:
        kind = step['type'].split('.')[-1]
        if kind in _VIDEO_INIT:
            continue
        out.append(
            dict(type='RawFrameDecode') if kind in
            _VIDEO_DECODE else dict(step))
    return out


def named_attention_maps(
        model: nn.Module,
        data: dict) -> Tuple[list, List[Tuple[str, torch.Tensor]]]:
    """Run ``model.test_step`` on one pipeline output, collecting masks.

    Args:
        model (nn.Module): A recognizer whose backbone records attention
            masks (:class:`~mmvb.models.ResNetTSMW3`).
        data (dict): Output of the test pipeline for one video.

    Returns:
        tuple: The predicted data samples and ``(module name, mask)`` of
        every attention module in call order, masks
        ``[num_views * T, 1, H, W]``.
    """
    names = {id(m): n for n, m in model.named_modules()}
    with torch.no_grad(), collect_attention_maps() as maps:
        preds = model.test_step(pseudo_collate([data]))
    if not maps:
        raise RuntimeError('the model recorded no attention masks (it has '
                           'no W3 / CBAM attention modules with spatial '
                           'attention)')
    return preds, [(names.get(id(m), '?'), mask.cpu()) for m, mask in maps]


def stage_masks(
        maps: Sequence[Tuple[str, torch.Tensor]],
        stages: Optional[Sequence[int]] = None) -> Dict[str, torch.Tensor]:
    """The mask of the last block of each stage (``layer{i}``), as the
    feature refinement uses them; ``stages`` selects 0-based stages."""
    last = {}
    for name, mask in maps:
        layer = next((p for p in name.split('.') if p.startswith('layer')),
                     None)
        if layer is not None:
            last[layer] = (name, mask)
    chosen = {}
    for layer in sorted(last):
        if stages is None or int(layer[len('layer'):]) - 1 in stages:
            name, mask = last[layer]
            chosen[name] = mask
    return chosen


def overlay(frame: np.ndarray,
            mask: np.ndarray,
            alpha: float = 0.5) -> np.ndarray:
    """Blend a ``[h, w]`` mask in ``[0, 1]`` as a jet heat map over an RGB
    ``[H, W, 3]`` uint8 frame; returns RGB uint8."""
    heat = cv2.resize(
        mask.astype(np.float32), (frame.shape[1], frame.shape[0]),
        interpolation=cv2.INTER_LINEAR)
    heat = cv2.applyColorMap(
        np.clip(heat * 255, 0, 255).astype(np.uint8), cv2.COLORMAP_JET)
    heat = cv2.cvtColor(heat, cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(frame, 1 - alpha, heat, alpha, 0)


def attention_grid(frames: np.ndarray,
                   rows: Dict[str, np.ndarray],
                   frame_ids: Sequence[int],
                   cell: int = 160,
                   title: str = '') -> np.ndarray:
    """An image with the frames on top and one row of overlays per mask.

    Args:
        frames (np.ndarray): ``[T, H, W, 3]`` RGB uint8 frames.
        rows (dict[str, np.ndarray]): Row label -> masks ``[T, h, w]``.
        frame_ids (Sequence[int]): Frames to show (columns).
        cell (int): Size of a cell in pixels. Defaults to 160.
        title (str): Text drawn above the grid.

    Returns:
        np.ndarray: RGB uint8 image.
    """
    label_w, title_h = 150, 28 if title else 0
    cols = len(frame_ids)
    grid = np.full(
        (title_h + cell * (len(rows) + 1), label_w + cell * cols, 3), 255,
        np.uint8)

    def put(img, text, org, scale=0.45):
        cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                    1, cv2.LINE_AA)

    if title:
        put(grid, title, (6, 19), 0.55)
    put(grid, 't = ' + ' '.join(str(t) for t in frame_ids),
        (4, title_h + cell // 2 + 18), 0.4)
    for r, (label,
            masks) in enumerate([('frames', None)] + list(rows.items())):
        y = title_h + r * cell
        put(grid, label[:22], (4, y + cell // 2))
        for c, t in enumerate(frame_ids):
            frame = cv2.resize(frames[t], (cell, cell))
            if masks is not None:
                frame = overlay(frame, masks[t])
            grid[y:y + cell,
                 label_w + c * cell:label_w + (c + 1) * cell] = frame
    return grid


def visualize_attention(model: nn.Module,
                        cfg,
                        video: str,
                        num_frames: int = 5,
                        stages: Optional[Sequence[int]] = None,
                        label_names: Optional[Sequence[str]] = None,
                        filename_tmpl: Optional[str] = None,
                        cell: int = 160,
                        normalize: bool = True) -> np.ndarray:
    """Attention masks of ``model`` on ``video`` drawn over its frames.

    The video goes through the config's test pipeline (for a frame
    folder, with the video reader replaced by ``RawFrameDecode``; only the
    first view is shown); one row per stage shows the spatial mask ``M^s``
    of the stage's last block, upsampled, over ``num_frames`` evenly
    spaced frames (the paper's Fig. 3).

    Args:
        model (nn.Module): Recognizer (eval mode) on its device.
        cfg (Config): The model's config (test pipeline).
        video (str): Video file or frame folder.
        num_frames (int): Frames (columns) shown. Defaults to 5.
        stages (Sequence[int], optional): 0-based stages shown (rows);
            all by default.
        label_names (Sequence[str], optional): Class names for the title.
        filename_tmpl (str, optional): Frame names of a frame folder.
        cell (int): Cell size in pixels. Defaults to 160.
        normalize (bool): Stretch each row's masks (all its frames
            together, so changes over time stay comparable) to ``[0, 1]``;
            False shows the raw mask values. Defaults to True.

    Returns:
        np.ndarray: RGB uint8 image.
    """
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    steps = cfg.get('test_pipeline', loader.dataset.pipeline)
    if osp.isdir(video):
        steps = frame_folder_pipeline(steps)
    data = Compose(steps)(video_inputs(video, cfg, filename_tmpl))
    preds, maps = named_attention_maps(model, data)
    chosen = stage_masks(maps, stages)
    inputs = data['inputs']  # [views * T, 3, H, W], uint8 RGB (NCHW)
    if inputs.dim() != 4:
        raise ValueError('expected a 2D recognizer input (NCHW), got '
                         f'{tuple(inputs.shape)}')
    t = model.backbone.num_segments
    frames = inputs[:t].permute(0, 2, 3, 1).numpy().astype(np.uint8)
    rows = {}
    for name, mask in chosen.items():
        t_mask = mask.shape[0] // (inputs.shape[0] // t)  # frames per view
        per_view = mask[:t_mask, 0].numpy()
        if t_mask != t:  # temporally pooled stage: repeat frames
            per_view = per_view[np.arange(t) * t_mask // t]
        if normalize:
            low, high = per_view.min(), per_view.max()
            per_view = (per_view - low) / max(high - low, 1e-6)
        rows[name.replace('.attention', '')] = per_view
    frame_ids = np.linspace(0, t - 1, min(num_frames, t)).round().astype(int)
    labels = preds[0].pred_label.flatten().tolist()
    if label_names is not None and len(labels) == 1:
        labels = [label_names[labels[0]]]
    title = f'{osp.basename(video)}  prediction: ' + \
        ' / '.join(str(x) for x in labels)
    return attention_grid(
        frames, rows, frame_ids.tolist(), cell=cell, title=title)
