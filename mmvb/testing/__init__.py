# Copyright (c) mmvb contributors. All rights reserved.
"""Test helpers shipped with the package (like ``mmaction.testing``)."""
from ._utils import (DEMO_INPUTS, batch_shape, demo_inputs, disable_pretrained,
                     get_cfg, get_config_path, get_config_root, list_configs,
                     register_demo_inputs)
from .ava_reference import activitynet_ava_scorer, loop_frame_average_precision
from .checkpoint_manifest import (checkpoint_from_manifest, load_manifest,
                                  load_parity_fixture, make_manifest,
                                  state_dict_from_manifest, weights_checksum,
                                  write_manifest)
from .dualscope_inputs import sbcd_pretrainer_inputs
from .loss_recorder_hook import LossRecorderHook
from .mpeblink import write_fake_hust_lebw, write_fake_mpeblink_release
from .sync_counter import HostSyncCounter

__all__ = [
    'activitynet_ava_scorer', 'loop_frame_average_precision', 'DEMO_INPUTS',
    'LossRecorderHook', 'batch_shape', 'checkpoint_from_manifest',
    'demo_inputs', 'load_manifest', 'load_parity_fixture', 'make_manifest',
    'weights_checksum', 'state_dict_from_manifest', 'write_manifest',
    'disable_pretrained', 'sbcd_pretrainer_inputs', 'get_cfg',
    'get_config_path', 'get_config_root', 'list_configs',
    'register_demo_inputs', 'write_fake_hust_lebw', 'HostSyncCounter',
    'write_fake_mpeblink_release'
]
