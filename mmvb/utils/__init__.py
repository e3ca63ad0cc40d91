# Copyright (c) mmvb contributors. All rights reserved.
from .compat import (apply_compat_patches, import_mmpretrain_models,
                     torchvision_available)
from .dist_utils import reduce_mean, release_process_group
from .setup_env import register_all_modules
from .transfer import host_to_device

__all__ = [
    'apply_compat_patches', 'host_to_device', 'import_mmpretrain_models',
    'reduce_mean', 'register_all_modules', 'release_process_group',
    'torchvision_available'
]
