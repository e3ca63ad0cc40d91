# Copyright (c) mmvb contributors. All rights reserved.
from .formatting import PackMPEblinkInputs

__all__ = ['PackMPEblinkInputs']
