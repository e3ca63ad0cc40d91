# Copyright (c) mmvb contributors. All rights reserved.
from .instblink import InstBlink
from .instblink_checkpoint import convert_official_instblink

__all__ = ['InstBlink', 'convert_official_instblink']
