# Copyright (c) mmvb contributors. All rights reserved.
"""Test-session setup: import mmvb first, so that its compatibility shims
(see :mod:`mmvb.utils.compat`) are active before any test module imports
``mmaction.models``."""
import logging

import pytest
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

import mmvb  # noqa: F401


@pytest.fixture
def quiet_mmaction_scope():
    """Default scope ``mmaction`` and no per-parameter init logs (mmengine
    logs every initialised parameter at INFO level)."""
    init_default_scope('mmaction')
    logger = MMLogger.get_instance('mmengine')
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
