# Copyright (c) mmvb contributors. All rights reserved.
"""Label maps derived from class names."""
import re
from typing import Dict, Sequence

_SWAP = {'left': 'right', 'right': 'left'}
_WORD = re.compile(r'\b(left|right)\b', flags=re.IGNORECASE)


def _mirror(name: str) -> str:

    def swap(match):
        word = match.group(0)
        new = _SWAP[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    return _WORD.sub(swap, name)


def left_right_flip_label_map(class_names: Sequence[str]) -> Dict[int, int]:
    """Label map for horizontal flips: classes that differ only by
    ``left`` <-> ``right`` are swapped.

    For MMAction2's ``Flip(flip_label_map=...)``. On Something-Something
    (V1 label order of ``something-something-v1-labels.csv``, V2 indices of
    ``something-something-v2-labels.json``) it yields the maps of MMAction2's
    configs: ``{2: 4, 4: 2, 30: 41, ...}`` (V1) and
    ``{86: 87, 87: 86, 93: 94, ...}`` (V2).

    Args:
        class_names (Sequence[str]): Class names in label order.

    Returns:
        dict[int, int]: ``{label: mirrored label}`` for both members of each
        pair; classes without a mirrored twin are left out.
    """
    index = {name: i for i, name in enumerate(class_names)}
    flip = {}
    for i, name in enumerate(class_names):
        mirrored = _mirror(name)
        if mirrored != name and mirrored in index:
            flip[i] = index[mirrored]
    return flip
