# Copyright (c) mmvb contributors. All rights reserved.
import json
import os.path as osp
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size, is_main_process
from mmengine.hooks import Hook


@HOOKS.register_module()
class LossRecorderHook(Hook):
    """Record the global training loss of every iteration.

    mmengine logs the loss of rank 0 only; this hook averages the loss over
    all ranks (the loss of the global batch when every rank holds the same
    number of samples) and appends ``{"iter": i, "loss": value}`` lines to
    ``<work_dir>/<filename>`` on the main process. Used to compare training
    curves across world sizes.

    Args:
        filename (str): File name inside the work dir.
            Defaults to ``'loss_curve.jsonl'``.
    """

    priority = 'LOW'

    def __init__(self, filename: str = 'loss_curve.jsonl') -> None:
        self.filename = filename

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        loss = torch.as_tensor(
            outputs['loss'], dtype=torch.float64).detach().clone()
        if get_world_size() > 1:
            all_reduce(loss, op='mean')
        if is_main_process():
            with open(osp.join(runner.work_dir, self.filename), 'a') as f:
                f.write(
                    json.dumps(dict(iter=runner.iter + 1, loss=loss.item())) +
                    '\n')
