# Copyright (c) mmvb contributors. All rights reserved.
"""Import mmvb before any test module imports mmaction: ``import mmvb``
applies the compatibility shims of :mod:`mmvb.utils.compat` (e.g. the
``localizers/drn`` package missing from the mmaction2 1.2.0 wheel, without
which ``import mmaction.models`` fails)."""
import mmvb  # noqa: F401
