# Copyright (c) mmvb contributors. All rights reserved.
"""Test helpers shipped with the package (like ``mmaction.testing``)."""
from ._utils import (DEMO_INPUTS, batch_shape, demo_inputs, disable_pretrained,
                     get_cfg, get_config_path, get_config_root, list_configs,
                     register_demo_inputs)
from .dualscope_inputs import sbcd_pretrainer_inputs
from .loss_recorder_hook import LossRecorderHook

__all__ = [
    'DEMO_INPUTS', 'LossRecorderHook', 'batch_shape', 'demo_inputs',
    'disable_pretrained', 'sbcd_pretrainer_inputs',
    'get_cfg', 'get_config_path', 'get_config_root', 'list_configs',
    'register_demo_inputs'
]
