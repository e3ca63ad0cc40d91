# Copyright (c) mmvb contributors. All rights reserved.
from .padded_data_preprocessor import PaddedActionDataPreprocessor

__all__ = ['PaddedActionDataPreprocessor']
