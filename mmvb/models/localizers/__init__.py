# Copyright (c) mmvb contributors. All rights reserved.
from .instblink import InstBlink

__all__ = ['InstBlink']
