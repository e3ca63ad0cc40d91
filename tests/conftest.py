# Copyright (c) mmvb contributors. All rights reserved.
"""Test-session setup: import mmvb first, so that its compatibility shims
(see :mod:`mmvb.utils.compat`) are active before any test module imports
``mmaction.models``."""
import mmvb  # noqa: F401
