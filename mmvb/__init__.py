# Copyright (c) mmvb contributors. All rights reserved.
"""mmvb: video and audio behaviour understanding methods for MMAction2.

Importing ``mmvb`` applies the compatibility shims of
:mod:`mmvb.utils.compat` and registers every mmvb module into MMAction2's
registries (``mmaction.registry``), so configs keep
``default_scope='mmaction'`` and load mmvb through ``custom_imports``.
"""
import warnings

# mmcv-lite has no compiled ops; mmvb never uses this one, so the warning
# that mmcv prints when mmaction2 imports its transformer bricks is noise.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

import mmcv  # noqa: E402
import mmengine  # noqa: E402
from mmengine.utils import digit_version  # noqa: E402

from .version import __version__, version_info  # noqa: E402

mmcv_minimum_version = '2.0.0'
mmcv_maximum_version = '2.2.0'
mmcv_version = digit_version(mmcv.__version__)

mmengine_minimum_version = '0.7.1'
mmengine_maximum_version = '1.0.0'
mmengine_version = digit_version(mmengine.__version__)

mmaction_minimum_version = '1.2.0'
mmaction_maximum_version = '1.3.0'

assert (digit_version(mmcv_minimum_version) <= mmcv_version
        < digit_version(mmcv_maximum_version)), \
    f'MMCV=={mmcv.__version__} is used but incompatible. ' \
    f'Please install mmcv (or mmcv-lite) >={mmcv_minimum_version}, ' \
    f'<{mmcv_maximum_version}.'

assert (digit_version(mmengine_minimum_version) <= mmengine_version
        < digit_version(mmengine_maximum_version)), \
    f'MMEngine=={mmengine.__version__} is used but incompatible. ' \
    f'Please install mmengine>={mmengine_minimum_version}, ' \
    f'<{mmengine_maximum_version}.'

from .utils.compat import apply_compat_patches  # noqa: E402

apply_compat_patches()

import mmaction  # noqa: E402

assert (digit_version(mmaction_minimum_version) <= digit_version(
    mmaction.__version__) < digit_version(mmaction_maximum_version)), \
    f'MMAction2=={mmaction.__version__} is used but incompatible. ' \
    f'Please install mmaction2>={mmaction_minimum_version}, ' \
    f'<{mmaction_maximum_version}.'

from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__', 'version_info']
