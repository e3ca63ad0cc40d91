# Copyright (c) mmvb contributors. All rights reserved.
"""Empty stand-ins for modules that official model code imports but that the
manifest scripts never call (documented in each script)."""
import importlib.util
import sys
import types
from typing import Sequence


def stub_missing(packages: Sequence[Sequence[str]]) -> None:
    """Register empty modules for every package that is not installed.

    Args:
        packages: Per package, its module names, the top-level one first
            (e.g. ``['torchvision', 'torchvision.transforms']``).
    """
    for names in packages:
        top = names[0]
        if top in sys.modules or importlib.util.find_spec(top) is not None:
            continue
        for name in names:
            sys.modules[name] = types.ModuleType(name)
