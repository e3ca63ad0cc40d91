# Copyright (c) mmvb contributors. All rights reserved.
"""Drawing InstBlink results: annotated videos and blink timelines."""
import colorsys
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .instblink_inference import read_video_frames


def track_color(index: int) -> Tuple[int, int, int]:
    """A distinct RGB colour per track id."""
    hue = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.85, 1.0)
    return int(255 * r), int(255 * g), int(255 * b)


def _blinking(track: Dict, frame: int) -> bool:
    return any(s <= frame <= e for s, e, _ in track['blinks_converted'])


def draw_instblink_frame(frame: np.ndarray,
                         tracks: Sequence[Dict],
                         index: int,
                         box_scale: float = 1.0) -> np.ndarray:
    """Draw the tracked faces of one frame.

    Every face present in frame ``index`` gets a box in its track's colour
    with ``id <k> <score>``; during a blink event the box is thicker and
    labelled ``BLINK``.

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB frame (not modified).
        tracks (Sequence[dict]): Results of
            :func:`mmvb.apis.inference_instblink` for the video.
        index (int): Frame index.
        box_scale (float): Factor from the tracks' coordinates to
            ``frame`` (when the frame was enlarged for drawing).
            Defaults to 1.

    Returns:
        np.ndarray: The annotated frame.
    """
    out = frame.copy()
    h = out.shape[0]
    scale = max(h / 360.0, 0.35)
    for k, track in enumerate(tracks):
        if index >= len(track['bboxes']) or track['bboxes'][index] is None:
            continue
        x, y, w, bh = (v * box_scale for v in track['bboxes'][index])
        color = track_color(k)
        blink = _blinking(track, index)
        p1, p2 = (int(round(x)), int(round(y))), (int(round(x + w)),
                                                  int(round(y + bh)))
        cv2.rectangle(out, p1, p2, color, 3 if blink else 1)
        label = f'id {k} {track["score"]:.2f}' + (' BLINK' if blink else '')
        cv2.putText(out, label, (p1[0], max(p1[1] - 3, 8)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.45 * scale, color, 1,
                    cv2.LINE_AA)
    return out


def render_instblink_video(src: str,
                           dst: str,
                           tracks: Sequence[Dict],
                           fps: Optional[float] = None,
                           min_height: int = 360) -> int:
    """Write ``src`` back with the tracked faces and blinks drawn.

    Frames are streamed (one in memory at a time). Videos lower than
    ``min_height`` are enlarged (nearest neighbour) so the labels stay
    readable.

    Args:
        src (str): Input video.
        dst (str): Output ``.mp4`` path.
        tracks (Sequence[dict]): Results for the video.
        fps (float, optional): Output frame rate. Defaults to the input's.
        min_height (int): Least output height. Defaults to 360.

    Returns:
        int: Frames written.
    """
    if fps is None:
        capture = cv2.VideoCapture(src)
        fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
        capture.release()
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    writer = None
    count = 0
    try:
        for i, frame in enumerate(read_video_frames(src)):
            scale = max(1, int(np.ceil(min_height / frame.shape[0])))
            if scale > 1:
                frame = cv2.resize(
                    frame,
                    None,
                    fx=scale,
                    fy=scale,
                    interpolation=cv2.INTER_NEAREST)
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(dst, cv2.VideoWriter_fourcc(*'mp4v'),
                                         fps, (w, h))
                if not writer.isOpened():
                    raise OSError(f'OpenCV cannot write {dst}')
            drawn = draw_instblink_frame(frame, tracks, i, scale)
            writer.write(cv2.cvtColor(drawn, cv2.COLOR_RGB2BGR))
            count += 1
    finally:
        if writer is not None:
            writer.release()
    return count


def plot_blink_timeline(tracks: Sequence[Dict],
                        path: str,
                        fps: Optional[float] = None,
                        title: str = 'InstBlink') -> List[str]:
    """Per-person blink timeline: presence, blink probability and events.

    One row per track: a grey band where the face is present, the
    per-frame blink probability as a line and the blink events as shaded
    spans.

    Args:
        tracks (Sequence[dict]): Results for one video.
        path (str): Output image (``.png``).
        fps (float, optional): Frame rate; the x axis is in seconds when
            given, else in frames.
        title (str): Figure title.

    Returns:
        list[str]: The row labels (``id <k>``).
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    rows = max(len(tracks), 1)
    fig, axes = plt.subplots(
        rows, 1, figsize=(10, 1.2 + 1.1 * rows), sharex=True, squeeze=False)
    unit = 1.0 / fps if fps else 1.0
    labels = []
    for k, (ax, track) in enumerate(zip(axes[:, 0], tracks)):
        color = np.array(track_color(k)) / 255.0
        n = len(track['bboxes'])
        t = np.arange(n) * unit
        present = np.array([b is not None for b in track['bboxes']])
        ax.fill_between(
            t, 0, 1, where=present, color='0.9', step='mid', linewidth=0)
        ax.plot(t, track['blink_scores'], color=color, linewidth=1)
        for s, e, _ in track['blinks_converted']:
            ax.axvspan(
                (s - 0.5) * unit, (e + 0.5) * unit, color='red', alpha=0.35)
        ax.set_ylim(0, 1)
        label = f'id {k}'
        ax.set_ylabel(label, rotation=0, ha='right', va='center')
        ax.set_yticks([])
        labels.append(label)
    if not tracks:
        axes[0, 0].text(0.5, 0.5, 'no faces', ha='center', va='center')
    axes[-1, 0].set_xlabel('time (s)' if fps else 'frame')
    fig.suptitle(
        f'{title}: blink probability (line), blinks (red), '
        'face present (grey)',
        fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return labels
