# Copyright (c) mmvb contributors. All rights reserved.
import json
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.fileio import load
from mmengine.logging import MMLogger

from mmvb.models.task_modules.tracking import ClipLinker
from ..functional import evaluate_mpeblink, tracks_to_results


@METRICS.register_module()
class MPEblinkMetric(BaseMetric):
    """Inst-AP and Blink-AP on MPEblink-style videos (CVPR 2023, Sec. 3.5).

    Collects the per-clip predictions of InstBlink on the test clips of
    :class:`~mmvb.datasets.MPEblinkDataset`, links each video's clips in
    time order (:class:`~mmvb.models.task_modules.ClipLinker`, score
    threshold 0.5, IoU threshold 0.2), merges blinks with threshold 0.3
    and evaluates the tracks against ``ann_file`` with
    :func:`~mmvb.evaluation.functional.evaluate_mpeblink`.

    Args:
        ann_file (str): The annotation JSON of the evaluated split.
        mode (str): ``'official'`` (reproduce the official evaluator's edge
            cases) or ``'strict'``. Defaults to ``'official'``.
        score_thr (float): Query score threshold. Defaults to 0.5.
        iou_thr (float): Linking IoU threshold. Defaults to 0.2.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.
        nms_thr (float, optional): Temporal NMS of a clip's queries (the
            InstBlink++ extension); None (official) for none.
            Defaults to None.
        frame_thr (float, optional): Frames where a track's face
            probability is not above this are absent; None (official) keeps
            every frame of a linked clip. Defaults to None.
        outfile_prefix (str, optional): If set, the tracks are written to
            ``<outfile_prefix>.results.json`` in the official format.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to
            ``'mpeblink'``.
    """

    default_prefix = 'mpeblink'

    def __init__(self,
                 ann_file: str,
                 mode: str = 'official',
                 score_thr: float = 0.5,
                 iou_thr: float = 0.2,
                 blink_thr: float = 0.3,
                 nms_thr: Optional[float] = None,
                 frame_thr: Optional[float] = None,
                 outfile_prefix: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.mode = mode
        self.score_thr = score_thr
        self.iou_thr = iou_thr
        self.blink_thr = blink_thr
        self.nms_thr = nms_thr
        self.frame_thr = frame_thr
        self.outfile_prefix = outfile_prefix

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each clip's top queries (numpy) with its position."""
        for sample in data_samples:
            pred = sample['pred_instances']
            self.results.append(
                dict(
                    video_id=sample['video_id'],
                    clip_start=int(sample['clip_start']),
                    bboxes=pred['bboxes'].float().cpu().numpy(),
                    scores=pred['scores'].float().cpu().numpy(),
                    blinks=pred['blink_scores'].float().cpu().numpy(),
                    faces=pred['face_scores'].float().cpu().numpy()
                    if 'face_scores' in pred else None))

    def link_videos(self, results: List[dict]) -> List[Dict]:
        """Link clip predictions into per-video tracks (official format)."""
        clips = defaultdict(dict)
        for res in results:  # dict keyed by start drops sampler padding
            clips[res['video_id']][res['clip_start']] = res
        tracks = []
        for video_id in sorted(clips):
            linker = ClipLinker(self.score_thr, self.iou_thr, self.nms_thr,
                                self.frame_thr)
            for start in sorted(clips[video_id]):
                clip = clips[video_id][start]
                linker.add_clip(start, clip['bboxes'], clip['scores'],
                                clip['blinks'], clip['faces'])
            tracks += tracks_to_results(linker.tracks(), video_id,
                                        self.blink_thr)
        return tracks

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Link, optionally dump, and evaluate."""
        tracks = self.link_videos(results)
        if self.outfile_prefix is not None:
            path = f'{self.outfile_prefix}.results.json'
            os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
            with open(path, 'w') as f:
                json.dump(tracks, f)
            MMLogger.get_current_instance().info(f'tracks written to {path}')
        metrics = evaluate_mpeblink(load(self.ann_file), tracks, self.mode)
        return {k: round(v, 4) for k, v in metrics.items()}
