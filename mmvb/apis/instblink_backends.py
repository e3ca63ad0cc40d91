# Copyright (c) mmvb contributors. All rights reserved.
"""Clip backends of InstBlink inference: PyTorch or ONNX Runtime.

A backend maps one clip of RGB frames to the clip's top query tubes, as
:meth:`InstBlink.predict_clip` does: ``__call__(clip, scale_factor)``
with ``clip`` a ``[T, H, W, 3]`` uint8 array and ``scale_factor`` the
``(sx, sy)`` resize from the original frames, returning numpy arrays
``bboxes [K, T, 4]`` (``xyxy`` in original pixels), ``scores [K]``,
``blink_scores [K, T]`` and ``face_scores [K, T]``.
"""
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config

KEYS = ('bboxes', 'scores', 'blink_scores', 'face_scores')


def init_instblink(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   official: bool = False,
                   device: str = 'cpu') -> Tuple[Config, torch.nn.Module]:
    """Build an InstBlink model for inference and load its weights.

    Args:
        config (str | Config): The model config.
        checkpoint (str, optional): Weights (an mmvb checkpoint, or the
            official mmdet 2.x one with ``official=True``, converted by
            :func:`mmvb.models.convert_official_instblink`). None keeps
            random weights.
        official (bool): The checkpoint is the official one.
            Defaults to False.
        device (str): Device. Defaults to ``'cpu'``.

    Returns:
        tuple: The config and the model in eval mode.
    """
    from mmengine.runner import load_state_dict

    from mmvb.models import convert_official_instblink
    from .complexity import build_model_from_cfg
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    model = build_model_from_cfg(cfg, device=device)
    if checkpoint:
        ckpt = torch.load(checkpoint, map_location='cpu', weights_only=False)
        state = ckpt.get('state_dict', ckpt)
        if official:
            state, _ = convert_official_instblink(
                state, cfg.model.head.get('blink_head_type', 'official'),
                model.state_dict())
        load_state_dict(model, state, strict=not official)
    return cfg, model.eval()


def instblink_test_size(cfg: Config) -> Optional[Tuple[int, int]]:
    """``(w, h)`` of the config's test ``Resize`` (None: no resize)."""
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'Resize':
            return tuple(step['scale'])
    return None


class TorchClipBackend:
    """An InstBlink model in PyTorch (:meth:`InstBlink.predict_clip`).

    Args:
        model (InstBlink): The model, in eval mode, on its device.
    """

    #: any clip length and frame size
    input_shape = None

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.device = next(model.parameters()).device

    @torch.no_grad()
    def __call__(self, clip: np.ndarray,
                 scale_factor: Tuple[float, float]) -> Dict[str, np.ndarray]:
        """Predict one clip (see the module docstring)."""
        tensor = torch.from_numpy(clip).permute(0, 3, 1, 2)
        pred = self.model.predict_clip(
            tensor.to(self.device), tuple(clip.shape[1:3]), scale_factor)
        return {key: pred[key].float().cpu().numpy() for key in KEYS}


class ONNXClipBackend:
    """An InstBlink graph exported by ``tools/deployment/export_onnx.py``,
    run by ONNX Runtime.

    The graph (:class:`mmvb.models.InstBlinkONNXWrapper`) takes one clip
    ``frames [T, 3, H, W]`` (float RGB in ``[0, 255]``) of the fixed
    shape it was exported for and returns ``scores``, ``bboxes`` (clip
    pixels), ``face_scores`` and ``blink_scores``; the boxes are divided
    by the resize factor here, as :meth:`InstBlinkHead.predict` does.

    Args:
        path (str): The ``.onnx`` file.
        num_threads (int, optional): ONNX Runtime intra-op threads.
            Defaults to its own choice.
        providers (Sequence[str], optional): Execution providers.
            Defaults to ``['CPUExecutionProvider']``.
    """

    def __init__(self,
                 path: str,
                 num_threads: Optional[int] = None,
                 providers: Optional[Sequence[str]] = None) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise ImportError(
                'the ONNX backend needs onnxruntime (pip install onnxruntime, '
                'see requirements/optional.txt)') from e
        if not osp.isfile(path):
            raise FileNotFoundError(f'no ONNX model at {path}')
        options = ort.SessionOptions()
        if num_threads is not None:
            options.intra_op_num_threads = num_threads
        self.path = path
        self.session = ort.InferenceSession(
            path,
            options,
            providers=list(providers or ['CPUExecutionProvider']))
        inputs = self.session.get_inputs()
        shape = tuple(inputs[0].shape)
        if len(inputs) != 1 or len(shape) != 4 or not all(
                isinstance(v, int) for v in shape):
            raise ValueError(
                f'{path}: expected one input of a fixed shape [T, 3, H, W] '
                f'(tools/deployment/export_onnx.py), got '
                f'{[(i.name, i.shape) for i in inputs]}')
        self.input_name = inputs[0].name
        #: ``(T, 3, H, W)`` the graph was exported for
        self.input_shape = shape
        names = [o.name for o in self.session.get_outputs()]
        missing = set(KEYS) - set(names)
        if missing:
            raise ValueError(f'{path}: outputs {sorted(missing)} missing '
                             f'(has {names})')

    def check_shape(self, shape: Sequence[int]) -> None:
        """Raise a ValueError naming both shapes unless ``shape`` is
        ``(T, 3, H, W)`` of the graph."""
        if tuple(shape) != self.input_shape:
            t, _, h, w = self.input_shape
            raise ValueError(
                f'{self.path} was exported for clips of shape '
                f'{self.input_shape} ([T, 3, H, W]: {t} frames of {w}x{h}), '
                f'got {tuple(shape)}')

    def __call__(self, clip: np.ndarray,
                 scale_factor: Tuple[float, float]) -> Dict[str, np.ndarray]:
        """Predict one clip (see the module docstring)."""
        frames = np.ascontiguousarray(clip.transpose(0, 3, 1, 2), np.float32)
        self.check_shape(frames.shape)
        outputs = self.session.run(list(KEYS), {self.input_name: frames})
        out = dict(zip(KEYS, outputs))
        sx, sy = scale_factor
        out['bboxes'] = out['bboxes'] / np.array([sx, sy, sx, sy], np.float32)
        return out


def init_clip_backend(model, **kwargs):
    """A clip backend for a model, an ``.onnx`` path or a backend.

    Args:
        model (torch.nn.Module | str | callable): An InstBlink model (PyTorch
            backend), the path of an exported ``.onnx`` graph (ONNX Runtime
            backend, ``kwargs`` go to :class:`ONNXClipBackend`) or a backend
            already.

    Returns:
        The backend.
    """
    if isinstance(model, str):
        return ONNXClipBackend(model, **kwargs)
    if isinstance(model, torch.nn.Module):
        return TorchClipBackend(model)
    if not callable(model):
        raise TypeError(f'not an InstBlink model, .onnx path or backend: '
                        f'{type(model).__name__}')
    return model
