# Copyright (c) mmvb contributors. All rights reserved.
import copy
import logging
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList
from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

from .w3_recognizer2d import W3Recognizer2D


@MODELS.register_module()
class MFRRecognizer2D(W3Recognizer2D):
    """2D recognizer trained with mature feature-guided regularisation.

    Stage 2 of W3's training (`Knowing What, Where and When to Look
    <https://arxiv.org/abs/2004.01278>`_, Sec. 3.4, Eq. 9). A teacher ``P``
    with the student's backbone architecture is loaded from the stage-1
    checkpoint (``teacher_checkpoint``, its ``backbone.*`` weights, loaded
    strictly so that a different architecture is an error) and frozen; the
    student ``Q`` is trained with its classification loss plus
    ``loss_mfr = mfr_loss(y^Q, y^P)``, the frame-level feature-mimicking
    loss between the backbones' last (refined, Eq. 8) feature maps
    ``[N * T, C, H, W]``. The stage-1 objective stays ("the feature
    mimicking regularization (Eq. (9)) further adds up in the second
    stage"): with ``afr_loss_weight > 0`` the AFR loss of
    :class:`W3Recognizer2D` is added too. Testing is the plain
    ``Recognizer2D`` path, so a stage-2 checkpoint also runs with the
    stage-1 config.

    The teacher is kept out of the module tree (``model.modules()``,
    ``state_dict``, the optimizer and DDP never see it) and:

    * is never updated: its parameters do not require gradients, it runs
      under ``torch.no_grad`` and always in eval mode (BN uses the
      stage-1 statistics), whatever ``train()`` is called with;
    * is not saved in the student's checkpoints (they hold the student
      only, with the keys of a stage-1 checkpoint);
    * is loaded by :meth:`init_weights` after the student's own
      initialisation (the runner calls it before ``load_from`` / resume),
      so it survives ``init_weights`` and ``--resume``; if ``init_weights``
      was never called, the first :meth:`loss` loads it;
    * follows the model in ``.to()`` / ``.cuda()`` / ``.half()``.

    Args:
        backbone (dict): Student backbone config; the teacher is built from
            the same config (its own weight loading is not run).
        cls_head (dict, optional): Classification head config.
        teacher_checkpoint (str, optional): Stage-1 checkpoint (path or
            URL). None leaves the teacher at random init (with a warning);
            only useful for tests and benchmarks.
        mfr_loss (dict): Feature-mimicking loss config.
            Defaults to ``dict(type='FeatureMimicLoss')``.
        afr_loss_weight (float): Weight of the stage-1 AFR loss
            (:class:`W3Recognizer2D`); 0 disables it. Defaults to 0.
        neck (dict, optional): Not supported (the regularised feature is
            the backbone output); must be None.
        train_cfg (dict, optional): As ``Recognizer2D``.
        test_cfg (dict, optional): As ``Recognizer2D``.
        data_preprocessor (dict, optional): As ``Recognizer2D``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: OptConfigType = None,
                 teacher_checkpoint: Optional[str] = None,
                 mfr_loss: ConfigType = dict(type='FeatureMimicLoss'),
                 afr_loss_weight: float = 0.0,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        if neck is not None:
            raise ValueError('MFRRecognizer2D regularises the backbone '
                             'output and supports no neck')
        teacher_cfg = copy.deepcopy(backbone)
        super().__init__(
            backbone,
            cls_head=cls_head,
            afr_loss_weight=afr_loss_weight,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        if self.backbone_from != 'mmaction2':
            raise ValueError('MFRRecognizer2D builds the teacher from the '
                             'MMAction2 registry; got a backbone from '
                             f'{self.backbone_from}')
        self.teacher_checkpoint = teacher_checkpoint
        self.mfr_loss = MODELS.build(mfr_loss)
        teacher = MODELS.build(teacher_cfg)
        teacher.requires_grad_(False)
        teacher.eval()
        # Not registered as a submodule (see the class docstring).
        object.__setattr__(self, 'teacher', teacher)
        self._teacher_loaded = False

    # ------------------------------------------------------------------
    # teacher handling
    # ------------------------------------------------------------------
    def _apply(self, fn, *args, **kwargs):
        """Apply ``fn`` (device / dtype moves) to the teacher too."""
        super()._apply(fn, *args, **kwargs)
        self.teacher._apply(fn, *args, **kwargs)
        return self

    def train(self, mode: bool = True) -> 'MFRRecognizer2D':
        """Set the student's mode; the teacher stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    def load_teacher(self) -> None:
        """Load the teacher's backbone from :attr:`teacher_checkpoint`."""
        if self.teacher_checkpoint is None:
            print_log(
                'MFRRecognizer2D: teacher_checkpoint is None, the teacher '
                'keeps its random initialisation', 'current', logging.WARNING)
            self._teacher_loaded = True
            return
        checkpoint = _load_checkpoint(
            self.teacher_checkpoint, map_location='cpu')
        state = checkpoint.get('state_dict', checkpoint)
        prefix = 'backbone.'
        state = {
            k[len(prefix):]: v
            for k, v in state.items() if k.startswith(prefix)
        }
        if not state:
            raise ValueError(f'{self.teacher_checkpoint} holds no '
                             f'"{prefix}*" weights (expected a stage-1 '
                             'checkpoint of the same model)')
        try:
            self.teacher.load_state_dict(state, strict=True)
        except RuntimeError as e:
            raise RuntimeError(
                f'the teacher checkpoint {self.teacher_checkpoint} does not '
                "match the student's backbone architecture (MFR needs the "
                f'stage-1 model of the same config): {e}') from None
        print_log(
            f'MFRRecognizer2D: teacher loaded from '
            f'{self.teacher_checkpoint}', 'current')
        self._teacher_loaded = True

    def init_weights(self) -> None:
        """Initialise the student, then load the teacher."""
        super().init_weights()
        self.load_teacher()

    # ------------------------------------------------------------------
    # training
    # ------------------------------------------------------------------
    def teacher_feat(self, inputs: Tensor) -> Tensor:
        """Teacher's last backbone feature map of ``inputs``
        ``[N, num_views * T, C, H, W]``, without gradient."""
        if not self._teacher_loaded:
            self.load_teacher()
        with torch.no_grad():
            return self._last(
                self.teacher(inputs.view((-1, ) + inputs.shape[2:])))

    def loss(self, inputs: Tensor, data_samples: SampleList, **kwargs) -> dict:
        """Classification losses (and the AFR loss) plus ``loss_mfr``
        (Eq. 9).

        Args:
            inputs (Tensor): ``[N, T, C, H, W]`` clips.
            data_samples (list[ActionDataSample]): With ``gt_label``.

        Returns:
            dict: The head's losses, ``loss_afr_*`` when enabled and
            ``loss_mfr``.
        """
        feats, loss_kwargs, refinement = self.extract_feat_and_refinement(
            inputs, data_samples)
        losses = self.cls_head.loss(feats, data_samples, **loss_kwargs)
        if refinement is not None:
            losses.update(
                self.afr_loss(refinement, data_samples, **loss_kwargs))
        losses['loss_mfr'] = self.mfr_loss(
            self._last(feats), self.teacher_feat(inputs))
        return losses
