# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional, Union

import numpy as np
import torch
from torch import Tensor

__all__ = ['host_to_device']


def host_to_device(data: Union[np.ndarray, list, tuple],
                   device: Union[str, torch.device],
                   dtype: Optional[torch.dtype] = None) -> Tensor:
    """A tensor of host data on ``device``, without making the host wait.

    ``torch.tensor(data, device='cuda')`` copies from pageable memory, and
    such a copy waits for all work queued on the stream. Here the data is
    put in pinned (page-locked) memory first and sent with
    ``non_blocking=True``: the copy is queued behind that work and the host
    goes on (PyTorch's pinned-memory allocator keeps the buffer alive until
    the copy is done). Off CUDA the plain tensor is returned.

    Args:
        data (np.ndarray | list | tuple): Host data.
        device (str | torch.device): Target device.
        dtype (torch.dtype, optional): Tensor dtype. Defaults to the data's.

    Returns:
        Tensor: The data on ``device``.
    """
    tensor = torch.as_tensor(np.asarray(data), dtype=dtype)
    device = torch.device(device)
    if device.type != 'cuda':
        return tensor.to(device)
    return tensor.pin_memory().to(device, non_blocking=True)
