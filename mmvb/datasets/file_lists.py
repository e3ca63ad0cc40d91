# Copyright (c) mmvb contributors. All rights reserved.
"""Small helpers shared by the dataset converters in ``tools/data``."""
import os
import os.path as osp
from typing import Iterable, Sequence

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png')


def count_frames(frame_dir: str,
                 suffixes: Sequence[str] = IMAGE_SUFFIXES) -> int:
    """Number of image files directly inside ``frame_dir`` (0 if it does
    not exist)."""
    if not osp.isdir(frame_dir):
        return 0
    with os.scandir(frame_dir) as entries:
        return sum(1 for e in entries
                   if e.is_file() and e.name.lower().endswith(tuple(suffixes)))


def write_list(path: str, lines: Iterable[str]) -> int:
    """Write ``lines`` (one per line) to ``path``, creating its folder;
    returns the number of lines."""
    lines = list(lines)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        f.writelines(f'{line}\n' for line in lines)
    return len(lines)
