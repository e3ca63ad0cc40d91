# Copyright (c) mmvb contributors. All rights reserved.
"""Learned sampling points of DATAR's deformable attention (paper Fig. 3)."""
from typing import Dict, List, Optional

import numpy as np
import torch
from torch import Tensor, nn

from mmvb.models.layers import DeformableAudioAttention, reference_points


def collect_sampling_points(backbone: nn.Module,
                            spectrogram: Tensor) -> List[Dict]:
    """Run ``backbone`` on one spectrogram and record, for every deformable
    attention block, its reference grid and deformed key positions.

    Args:
        backbone (nn.Module): A :class:`DeformableAudioTransformer` (or any
            module containing :class:`DeformableAudioAttention`).
        spectrogram (Tensor): ``[1, 1, F, T]`` network input.

    Returns:
        list[dict]: Per deformable block (in forward order): ``name``,
        ``reference`` ``[H_G, W_G, 2]`` and ``positions``
        ``[G, H_G, W_G, 2]``, normalised ``(y, x)`` in ``[-1, 1]`` of the
        map (= of the spectrogram: the pyramid keeps its extent), ``-1`` /
        ``1`` the outer edges (positions of ``convention='dat'`` blocks,
        which sample with ``align_corners=True``, are converted).
    """
    records, handles = [], []
    for name, module in backbone.named_modules():
        if isinstance(module, DeformableAudioAttention) and \
                module.deformable:

            def hook(_, inputs, offset, name=name, module=module):
                h_g, w_g = offset.shape[1:3]
                ref = reference_points(h_g, w_g, offset.dtype, offset.device)
                pos = ref + offset.detach()
                if module.convention == 'dat':
                    # align_corners=True: -1 / 1 are the outer token
                    # centres; rescale to the edge convention.
                    size = pos.new_tensor(inputs[0].shape[-2:])
                    pos = pos * (size - 1) / size
                    ref = ref * (size - 1) / size
                records.append(
                    dict(name=name, reference=ref.cpu(), positions=pos.cpu()))

            handles.append(module.offset_generator.register_forward_hook(hook))
    try:
        with torch.no_grad():
            backbone(spectrogram)
    finally:
        for handle in handles:
            handle.remove()
    return records


def plot_sampling_points(spectrogram: np.ndarray,
                         records: List[Dict],
                         out_file: str,
                         title: Optional[str] = None,
                         max_blocks: int = 4) -> str:
    """Draw the deformed sampling points over the spectrogram.

    One panel per deformable block (the last ``max_blocks``): the
    spectrogram (low frequencies at the bottom), the reference grid (grey
    crosses), the learned key positions (dots, one colour per offset group)
    and an arrow from each reference point to its key.

    Args:
        spectrogram (np.ndarray): ``[F, T]`` (frequency x time).
        records (list[dict]): From :func:`collect_sampling_points`.
        out_file (str): Image file to write (png, jpg, pdf, ...).
        title (str, optional): Figure title.
        max_blocks (int): Panels at most. Defaults to 4.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    records = records[-max_blocks:]
    if not records:
        raise ValueError('no deformable attention blocks were recorded')
    freq, time = spectrogram.shape

    def to_pixels(points):  # normalised (y, x) -> (row, col)
        rows = (points[..., 0] + 1) / 2 * freq - 0.5
        cols = (points[..., 1] + 1) / 2 * time - 0.5
        return rows, cols

    fig, axes = plt.subplots(
        len(records), 1, figsize=(12, 2.6 * len(records)), squeeze=False)
    colours = plt.get_cmap('tab10')
    for ax, rec in zip(axes[:, 0], records):
        ax.imshow(spectrogram, origin='lower', aspect='auto', cmap='magma')
        ref_r, ref_c = to_pixels(rec['reference'].numpy())
        ax.scatter(ref_c, ref_r, marker='+', s=12, c='0.75', linewidths=0.6)
        for g, pos in enumerate(rec['positions'].numpy()):
            rows, cols = to_pixels(pos)
            colour = colours(g % 10)
            ax.quiver(
                ref_c,
                ref_r,
                cols - ref_c,
                rows - ref_r,
                angles='xy',
                scale_units='xy',
                scale=1,
                color=colour,
                width=0.0015,
                alpha=0.7)
            ax.scatter(cols, rows, s=8, color=colour, label=f'group {g}')
        ax.set_xlim(-0.5, time - 0.5)
        ax.set_ylim(-0.5, freq - 0.5)
        ax.set_ylabel('mel bin')
        ax.set_title(
            f"{rec['name']} ({rec['positions'].shape[1]}x"
            f"{rec['positions'].shape[2]} keys per group)",
            fontsize=9)
    axes[-1, 0].set_xlabel('frame')
    axes[0, 0].legend(loc='upper right', fontsize=7, markerscale=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
    return out_file
