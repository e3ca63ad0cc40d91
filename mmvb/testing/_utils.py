# Copyright (c) mmvb contributors. All rights reserved.
"""Helpers for tests: config lookup, offline model building, demo inputs."""
import copy
import inspect
import os.path as osp
from glob import glob
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config


def get_config_root() -> str:
    """The ``configs`` folder: the installed package's ``.mim`` copy (wheel
    installs) or the source checkout's (editable installs)."""
    pkg_dir = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for root in (osp.join(pkg_dir, '.mim', 'configs'),
                 osp.join(osp.dirname(pkg_dir), 'configs')):
        if osp.isdir(root):
            return root
    raise FileNotFoundError(
        f'no configs folder next to {pkg_dir} (.mim/configs or ../configs); '
        'install mmvb with `pip install .` or use a source checkout')


def get_config_path(rel_path: str) -> str:
    """Absolute path of ``configs/<rel_path>``."""
    path = osp.join(get_config_root(), rel_path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'config {rel_path} not found under '
                                f'{get_config_root()}')
    return path


def get_cfg(rel_path: str) -> Config:
    """Load ``configs/<rel_path>`` as an mmengine :class:`Config`."""
    return Config.fromfile(get_config_path(rel_path))


def list_configs() -> List[str]:
    """Every config under ``configs/`` except ``_base_`` files, relative
    paths, sorted."""
    root = get_config_root()
    paths = glob(osp.join(root, '**', '*.py'), recursive=True)
    rels = [osp.relpath(p, root) for p in paths]
    return sorted(r for r in rels if '_base_' not in r.split(osp.sep))


_CHECKPOINT_SUFFIXES = ('checkpoint', 'ckpt')


def disable_pretrained(cfg):
    """Return a copy of a model config that loads no weights.

    Rules (recursive over dicts and lists): ``pretrained`` -> None,
    ``pretrained2d`` -> False, ``init_cfg`` of type ``'Pretrained'``
    removed, and any string value under a key ending with ``checkpoint`` or
    ``ckpt`` -> None. mmvb modules name their weight-path arguments
    accordingly (e.g. ``teacher_checkpoint``).

    Args:
        cfg (dict or ConfigDict or list): A model config.

    Returns:
        The same structure with weight loading switched off.
    """
    cfg = copy.deepcopy(cfg)

    def visit(node):
        if isinstance(node, dict):
            if 'pretrained' in node and 'pretrained2d' not in node and \
                    _takes_argument(node.get('type'), 'pretrained2d'):
                node['pretrained2d'] = False
            for key in list(node.keys()):
                value = node[key]
                if key == 'pretrained':
                    node[key] = None
                elif key == 'pretrained2d':
                    node[key] = False
                elif key == 'init_cfg' and _is_pretrained_init(value):
                    node[key] = _drop_pretrained_init(value)
                elif key.endswith(_CHECKPOINT_SUFFIXES) and isinstance(
                        value, str):
                    node[key] = None
                else:
                    visit(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                visit(item)

    visit(cfg)
    return cfg


def _takes_argument(model_type, arg: str) -> bool:
    """Whether the registered class ``model_type`` takes ``arg``."""
    from mmaction.registry import MODELS
    if isinstance(model_type, str):
        try:
            model_type = MODELS.get(model_type)
        except Exception:  # unknown scope or name: the build will say so
            return False
    if not inspect.isclass(model_type):
        return False
    # Follow ``**kwargs`` up the class hierarchy (subclasses that pass their
    # parent's arguments through).
    for cls in model_type.__mro__:
        if '__init__' not in vars(cls):
            continue
        params = inspect.signature(cls.__init__).parameters
        if arg in params:
            return True
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return False
    return False


def _is_pretrained_init(init_cfg) -> bool:
    items = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
    return any(
        isinstance(i, dict) and i.get('type') == 'Pretrained' for i in items)


def _drop_pretrained_init(init_cfg):
    if isinstance(init_cfg, (list, tuple)):
        kept = [
            i for i in init_cfg
            if not (isinstance(i, dict) and i.get('type') == 'Pretrained')
        ]
        return kept or None
    return None


DemoInputFn = Callable[..., Tuple[torch.Tensor, list]]
DEMO_INPUTS: Dict[str, DemoInputFn] = {}


def register_demo_inputs(*model_types: str) -> Callable:
    """Register a demo-input function for the given model ``type`` names.

    A demo-input function ``fn(model_cfg, batch_size, input_shape=None)``
    returns the ``(inputs, data_samples)`` that the model's ``forward``
    takes after its data preprocessor, with ground truth set so that
    ``mode='loss'`` works. Without ``input_shape`` the inputs are as small
    as the architecture allows (config sweeps); with it (benchmarks), the
    inputs have that shape, its first entry replaced by ``batch_size``.
    """

    def wrap(fn: DemoInputFn) -> DemoInputFn:
        for t in model_types:
            DEMO_INPUTS[t] = fn
        return fn

    return wrap


def demo_inputs(
        model_cfg,
        batch_size: int = 1,
        input_shape: Optional[Sequence[int]] = None
) -> Tuple[torch.Tensor, list]:
    """Inputs (and data samples with ground truth) for a forward of the
    model described by ``model_cfg``; see :func:`register_demo_inputs`."""
    model_type = model_cfg['type']
    if not isinstance(model_type, str):
        model_type = model_type.__name__
    model_type = model_type.split('.')[-1]
    if model_type not in DEMO_INPUTS:
        raise KeyError(f'no demo inputs registered for model type '
                       f'{model_type!r}; add one with '
                       '`mmvb.testing.register_demo_inputs`')
    return DEMO_INPUTS[model_type](model_cfg, batch_size, input_shape)


def _num_classes(model_cfg) -> int:
    head = model_cfg.get('cls_head') or {}
    return int(head.get('num_classes', 2))


def _label_samples(model_cfg, batch_size: int) -> list:
    """Ground truth for ``batch_size`` samples: a class index, or
    ``[verb, noun]`` for heads with ``num_verbs``/``num_nouns``
    (:class:`mmvb.models.VerbNounHead`)."""
    head = model_cfg.get('cls_head') or {}
    if 'num_verbs' in head:
        return [
            ActionDataSample().set_gt_label(
                [i % head['num_verbs'], i % head['num_nouns']])
            for i in range(batch_size)
        ]
    return [
        ActionDataSample().set_gt_label(i % _num_classes(model_cfg))
        for i in range(batch_size)
    ]


def batch_shape(input_shape, batch_size: int, default: Sequence[int]) -> tuple:
    """``input_shape`` (or ``default``) with its batch entry replaced."""
    shape = tuple(input_shape) if input_shape is not None else tuple(default)
    return (batch_size, ) + shape[1:]


@register_demo_inputs('Recognizer2D', 'MFRRecognizer2D', 'W3Recognizer2D')
def _recognizer2d_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """``[B, num_segments, 3, H, W]`` clips (the preprocessed NCHW layout)."""
    head = model_cfg.get('cls_head') or {}
    backbone = model_cfg.get('backbone') or {}
    num_segs = int(
        backbone.get('num_segments', head.get('num_segments', 4)) or 4)
    shape = batch_shape(input_shape, batch_size, (1, num_segs, 3, 64, 64))
    return torch.rand(*shape), _label_samples(model_cfg, batch_size)


@register_demo_inputs('Recognizer3D')
def _recognizer3d_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """``[B, 1, 3, 8, 64, 64]`` clips (the preprocessed NCTHW layout)."""
    shape = batch_shape(input_shape, batch_size, (1, 1, 3, 8, 64, 64))
    return torch.rand(*shape), _label_samples(model_cfg, batch_size)


@register_demo_inputs('RecognizerAudio')
def _recognizer_audio_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """``[B, 1, 1, F, T]`` spectrograms (one clip, frequency as height);
    64 x 128 by default (the audio backbones take any size)."""
    shape = batch_shape(input_shape, batch_size, (1, 1, 1, 64, 128))
    return torch.randn(*shape), _label_samples(model_cfg, batch_size)


@register_demo_inputs('DualScopeRecognizer', 'ZeroShotRecognizer')
def _dualscope_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """Frames ``[B, 1, 3, T, H, W]`` when the model has a frame encoder,
    else cached features ``[B, 1, T, C]`` (``C`` = the head's
    ``in_channels``); ``input_shape`` chooses explicitly by its length."""
    if input_shape is None:
        if model_cfg.get('backbone') is not None:
            input_shape = (1, 1, 3, 4, 32, 32)
        else:
            in_channels = int(model_cfg['cls_head']['in_channels'])
            input_shape = (1, 1, 8, in_channels)
    shape = batch_shape(input_shape, batch_size, input_shape)
    return torch.rand(*shape), _label_samples(model_cfg, batch_size)


@register_demo_inputs('InstBlink')
def _instblink_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """``[B, T, 3, H, W]`` clips (default 3 frames of 64x96) with two face
    tracklets per clip (the second absent in the last frame)."""
    from mmengine.structures import InstanceData
    shape = batch_shape(input_shape, batch_size, (1, 3, 3, 64, 96))
    t, h, w = shape[1], shape[-2], shape[-1]
    samples = []
    for _ in range(batch_size):
        boxes = torch.tensor([[0.1 * w, 0.1 * h, 0.4 * w, 0.6 * h],
                              [0.5 * w, 0.3 * h, 0.8 * w, 0.9 * h]])
        valid = torch.ones(2, t, dtype=torch.bool)
        valid[1, -1] = t == 1
        blinks = torch.zeros(2, t)
        blinks[0, t // 2] = 1
        sample = ActionDataSample()
        sample.set_metainfo(dict(img_shape=(h, w)))
        sample.gt_instances = InstanceData(
            bboxes=boxes[:, None].repeat(1, t, 1),
            valid=valid,
            blinks=blinks,
            labels=torch.zeros(2, dtype=torch.long),
            ids=torch.tensor([1, 2]))
        samples.append(sample)
    return torch.rand(*shape) * 255, samples


@register_demo_inputs('BMViTLocalizer')
def _localizer_inputs(model_cfg, batch_size: int = 1, input_shape=None):
    """``[B, 3, T, 64, 64]`` clips (the preprocessed NCTHW layout, ``T``
    from the backbone's ``temporal_size``) with one or two actors per
    sample: ``gt_instances.bboxes`` in input pixels and multi-hot
    ``labels`` ``[n, num_classes]``."""
    from mmengine.structures import InstanceData
    backbone = model_cfg.get('backbone') or {}
    head = model_cfg.get('head') or {}
    frames = int(backbone.get('temporal_size', 16))
    shape = batch_shape(input_shape, batch_size, (1, 3, frames, 64, 64))
    height, width = shape[-2:]
    num_classes = int(head.get('num_classes', 81))
    gen = torch.Generator().manual_seed(0)
    samples = []
    for i in range(batch_size):
        num = 1 + i % 2
        xy = torch.rand(num, 2, generator=gen) * 0.5
        wh = 0.2 + torch.rand(num, 2, generator=gen) * 0.3
        boxes = torch.cat(
            (xy, xy + wh), 1) * torch.tensor([width, height, width, height],
                                             dtype=torch.float32)
        labels = torch.zeros(num, num_classes)
        labels[torch.arange(num),
               1 + (i + torch.arange(num)) % (num_classes - 1)] = 1
        sample = ActionDataSample()
        sample.set_metainfo(dict(img_shape=(height, width)))
        sample.gt_instances = InstanceData(bboxes=boxes, labels=labels)
        samples.append(sample)
    return torch.rand(*shape), samples
