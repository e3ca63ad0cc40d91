# Copyright (c) mmvb contributors. All rights reserved.
"""Pairwise matching costs of :class:`mmvb.models.HungarianMatcher`."""
from .actor_match_cost import ActorMatchCost
from .base_match_cost import BaseMatchCost
from .box_l1_match_cost import BoxL1MatchCost
from .focal_match_cost import FocalMatchCost
from .giou_match_cost import GIoUMatchCost
from .multilabel_match_cost import MultiLabelMatchCost

__all__ = [
    'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost', 'FocalMatchCost',
    'GIoUMatchCost', 'MultiLabelMatchCost'
]
