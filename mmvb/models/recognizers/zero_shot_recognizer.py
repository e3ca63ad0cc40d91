# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmengine.logging import print_log

from ..utils.clip_checkpoint import convert_clip_checkpoint, is_clip_state_dict
from .dualscope_recognizer import DualScopeRecognizer


@MODELS.register_module()
class ZeroShotRecognizer(DualScopeRecognizer):
    """Zero-shot recognition with CLIP: a frozen frame encoder and a
    prompt-embedding head (:class:`mmvb.models.CLIPZeroShotHead`).

    DualScope's Table 2 (zero-shot generalisation, DriveCLIP's protocol):
    the BCVE after SBCD pre-training, or CLIP's ViT-L/14, encodes frames;
    CLIP's text tower embeds the class prompts; frames and clips are
    classified by cosine similarity. As :class:`DualScopeRecognizer` the
    model takes frames (with a ``backbone``) or cached ``[CLS]`` features
    of the frame encoder (``tools/dualscope/extract_features.py``).

    CLIP checkpoints load as they are published: a state dict in OpenAI's
    or mmpretrain's CLIP key layout (see
    :func:`mmvb.models.utils.convert_clip_checkpoint`) is renamed when it
    is loaded into this model (``tools/test.py CONFIG CHECKPOINT``,
    ``load_from``); without a ``backbone`` its image tower is skipped (the
    frame encoder ran when the features were cached). OpenAI's TorchScript
    ``ViT-L-14.pt`` is turned into a state dict by
    ``tools/model_converters/openai-clip_to_mmvb.py``.

    Args:
        cls_head (dict): The zero-shot head.
        backbone (dict, optional): Frame encoder; None for cached features.
            Defaults to None.
        kwargs: Other :class:`DualScopeRecognizer` arguments
            (``freeze_backbone`` is always True).
    """

    def __init__(self,
                 cls_head: ConfigType,
                 backbone: OptConfigType = None,
                 **kwargs) -> None:
        kwargs['freeze_backbone'] = True
        super().__init__(cls_head, backbone=backbone, **kwargs)
        self._register_load_state_dict_pre_hook(self._rename_clip)

    def _rename_clip(self, state_dict, prefix, *args) -> None:
        """Rename a CLIP-layout state dict in place (load pre-hook)."""
        own = {k[len(prefix):]: k for k in state_dict if k.startswith(prefix)}
        if not is_clip_state_dict(own):
            return
        sub = {k: state_dict.pop(full) for k, full in own.items()}
        converted, report = convert_clip_checkpoint(sub)
        skipped = []
        for key, value in converted.items():
            if self.backbone is None and key.startswith('backbone.'):
                skipped.append(key)
                continue
            state_dict[prefix + key] = value
        print_log(
            f'{type(self).__name__}: CLIP checkpoint renamed ({report})' +
            (f'; {len(skipped)} image-tower tensors skipped (no frame '
             'encoder: features are cached)' if skipped else ''),
            logger='current')
