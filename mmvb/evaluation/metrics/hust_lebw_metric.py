# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence

from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import hust_lebw_scores


@METRICS.register_module()
class HUSTLEBWMetric(BaseMetric):
    """Recall, precision and F1 on HUST-LEBW trimmed samples.

    The protocol of HUST-LEBW (Hu et al., TIFS 2020; the ``blink_eyelid``
    test script): each sample is classified blink / non-blink; recall is
    over the blink samples, precision counts the non-blink samples
    predicted as blink. For InstBlink a sample is "blink" when the
    best-scoring query of its clip has at least one blink event, i.e. a
    frame with blink probability ``>= blink_thr`` (the merging threshold of
    the MPEblink protocol).

    Args:
        blink_thr (float): Blink threshold. Defaults to 0.3.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to 'cpu'.
        prefix (str, optional): Metric name prefix. Defaults to
            ``'hust_lebw'``.
    """

    default_prefix = 'hust_lebw'

    def __init__(self,
                 blink_thr: float = 0.3,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.blink_thr = blink_thr

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the sample's label and its top query's blink decision."""
        for sample in data_samples:
            pred = sample['pred_instances']
            best = int(pred['scores'].argmax())
            blink = float(pred['blink_scores'][best].max()) >= self.blink_thr
            self.results.append(
                dict(
                    index=sample.get('sample_index'),
                    pred=blink,
                    label=bool(sample['blink_label'])))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Recall, precision and F1 (drops duplicated samples)."""
        unique = {
            r['index'] if r['index'] is not None else i: r
            for i, r in enumerate(results)
        }
        scores = hust_lebw_scores([r['pred'] for r in unique.values()],
                                  [r['label'] for r in unique.values()])
        return {k: round(v, 4) for k, v in scores.items()}
