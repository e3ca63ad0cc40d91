# Copyright (c) mmvb contributors. All rights reserved.
"""Readers of the official annotation formats and release checks
(``tools/data/check_release.py``) for every dataset the configs name."""
from . import audio, blink, driver, localization, recognition  # noqa: F401
from .check import (RELEASES, CheckOptions, Count, ReleaseReport, ReleaseSpec,
                    check_release, register_release)

# The datasets of each method's configs (configs/<method>/).
METHOD_DATASETS = dict(
    w3=('sthv1', 'sthv2', 'egogesture', 'epic_kitchens_55'),
    datar=('kinetics_sounds', 'vggsound', 'epic_kitchens_100'),
    bmvit=('ava', 'ucf101_24', 'jhmdb'),
    instblink=('mpeblink', 'hust_lebw'),
    dualscope=('aide', '3mdad', 'dmd', 'sam_dd', 'syndd1', 'auc', 'statefarm',
               'dripe'))

__all__ = [
    'METHOD_DATASETS', 'RELEASES', 'CheckOptions', 'Count', 'ReleaseReport',
    'ReleaseSpec', 'check_release', 'register_release'
]
