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


def draw_stream_frame(frame: np.ndarray,
                      record: Dict,
                      blink_thr: float = 0.3,
                      box_scale: float = 1.0) -> np.ndarray:
    """Draw one final frame of :class:`mmvb.apis.InstBlinkStream`.

    Every present face gets a box in its track's colour with
    ``id <k> <blink probability>``; in a blink (probability ``>=
    blink_thr``: the frame belongs to a blink event) the box is thicker and
    labelled ``BLINK``.

    Args:
        frame (np.ndarray): ``[H, W, 3]`` uint8 RGB frame (not modified).
        record (dict): The frame's entry of the stream's ``frames``.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.
        box_scale (float): Factor from the pushed frames' pixels to
            ``frame``. Defaults to 1.

    Returns:
        np.ndarray: The annotated frame.
    """
    out = frame.copy()
    scale = max(out.shape[0] / 360.0, 0.35)
    for k, box, present, blink in zip(record['track_ids'].tolist(),
                                      record['boxes'].tolist(),
                                      record['present'].tolist(),
                                      record['blink_scores'].tolist()):
        if not present:
            continue
        color = track_color(k)
        blinking = blink >= blink_thr
        x1, y1, x2, y2 = (int(round(v * box_scale)) for v in box)
        cv2.rectangle(out, (x1, y1), (x2, y2), color, 3 if blinking else 1)
        label = f'id {k} {blink:.2f}' + (' BLINK' if blinking else '')
        cv2.putText(out, label, (x1, max(y1 - 3, 8)), cv2.FONT_HERSHEY_SIMPLEX,
                    0.45 * scale, color, 1, cv2.LINE_AA)
    return out


class BlinkTimelinePanel:
    """A scrolling per-person blink timeline drawn under streamed frames.

    One row per track seen in the last ``window`` frames (at most
    ``max_rows``, most recent first): the blink probability as a line in
    the track's colour, frames in a blink (``>= blink_thr``) shaded red,
    frames where the face is absent left dark. The newest frame is at the
    right edge.

    Args:
        width (int): Panel width (the frame width).
        window (int): Frames shown. Defaults to 150.
        max_rows (int): Most tracks shown. Defaults to 4.
        row_height (int): Pixels per row. Defaults to 24.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.
    """

    def __init__(self,
                 width: int,
                 window: int = 150,
                 max_rows: int = 4,
                 row_height: int = 24,
                 blink_thr: float = 0.3) -> None:
        self.width, self.window = width, window
        self.max_rows, self.row_height = max_rows, row_height
        self.blink_thr = blink_thr
        self.height = max_rows * row_height + 14
        self._rows: Dict[int, Dict] = {}  # track id -> last frame, values

    def update(self, record: Dict) -> np.ndarray:
        """Add a final frame (a stream ``frames`` entry) and draw.

        Returns:
            np.ndarray: ``[height, width, 3]`` uint8 RGB panel.
        """
        f = record['frame']
        for k, present, blink in zip(record['track_ids'].tolist(),
                                     record['present'].tolist(),
                                     record['blink_scores'].tolist()):
            row = self._rows.setdefault(
                k, dict(values=np.full(self.window, np.nan), last=f))
            shift = f - row['last']
            if shift:
                row['values'] = np.roll(row['values'], -shift)
                row['values'][-shift:] = np.nan
                row['last'] = f
            row['values'][-1] = blink if present else np.nan
        # forget tracks that left the window
        self._rows = {
            k: row
            for k, row in self._rows.items() if f - row['last'] < self.window
        }
        panel = np.full((self.height, self.width, 3), 30, np.uint8)
        xs = np.linspace(0, self.width - 1, self.window)
        # the window sample under each pixel column
        sample = np.minimum(
            np.arange(self.width) * self.window // self.width, self.window - 1)
        shown = sorted(self._rows, key=lambda k: -self._rows[k]['last'])
        for r, k in enumerate(shown[:self.max_rows]):
            row = self._rows[k]
            values = np.full(self.window, np.nan)
            lag = f - row['last']
            values[:self.window - lag] = row['values'][lag:]
            top = 12 + r * self.row_height
            bottom = top + self.row_height - 3
            present = ~np.isnan(values)
            blink = present & (np.nan_to_num(values) >= self.blink_thr)
            for mask, color in ((present, (70, 70, 70)), (blink, (200, 40,
                                                                  40))):
                panel[top:bottom, mask[sample]] = color
            y = bottom - np.nan_to_num(values) * (bottom - top)
            points = np.stack([xs, y], 1)[present].astype(np.int32)
            if len(points) > 1:
                cv2.polylines(panel, [points[:, None]], False, track_color(k),
                              1, cv2.LINE_AA)
            cv2.putText(panel, f'id {k}',
                        (2, top + 10), cv2.FONT_HERSHEY_SIMPLEX, 0.35,
                        track_color(k), 1, cv2.LINE_AA)
        cv2.putText(
            panel, f'blink probability, last {self.window} frames '
            f'(red: blink)', (2, 9), cv2.FONT_HERSHEY_SIMPLEX, 0.3,
            (200, 200, 200), 1, cv2.LINE_AA)
        return panel
