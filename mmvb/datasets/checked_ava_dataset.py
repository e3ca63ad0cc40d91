# Copyright (c) mmvb contributors. All rights reserved.
"""AVA 2.2 annotation files checked row by row before MMAction2 reads them.

MMAction2's ``AVADataset.load_data_list`` parses the CSV with bare
``int()``/``float()`` calls, so a malformed row fails with e.g.
``ValueError: invalid literal for int() with base 10: ''`` or an
``IndexError``, naming neither the file nor the line, and silently accepts
boxes outside the frame or labels beyond ``num_classes`` (which then fail
deep inside the metric or corrupt the multi-hot targets).
"""
import os.path as osp
from typing import Dict, List, Optional

from mmaction.datasets import AVADataset
from mmaction.evaluation.functional.ava_utils import read_labelmap
from mmaction.registry import DATASETS
from mmengine.fileio import list_from_file

from .annotation_io import AnnotationError
from .load_error_context import LoadErrorContextMixin

# Columns of an AVA v2.x annotation row.
AVA_COLUMNS = ('video_id', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id',
               'person_id')


def _fail(path: str, lineno: int, column: Optional[str], msg: str,
          line: str) -> None:
    where = f'{path}:{lineno}'
    if column is not None:
        where += f': column {column!r}'
    raise ValueError(f'{where}: {msg} (row: {line.strip()!r})')


def check_ava_csv(path: str,
                  num_classes: int = 81,
                  box_tol: float = 1e-3) -> int:
    """Check an AVA annotation CSV (``ava_{train,val}_v2.2.csv``).

    Every row must have the 8 columns of :data:`AVA_COLUMNS` (a 7-column
    row without ``person_id`` is also accepted, as in the detection-only
    files), an integer timestamp, normalised box corners in ``[0, 1]`` with
    ``x1 < x2`` and ``y1 < y2`` (``box_tol`` of slack for rounding) and an
    action id in ``[1, num_classes - 1]``.

    Args:
        path (str): The CSV file.
        num_classes (int): The dataset's ``num_classes`` (background column
            0 included). Defaults to 81.
        box_tol (float): Tolerance of the ``[0, 1]`` range. Defaults to
            1e-3.

    Returns:
        int: The number of rows.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: Naming ``path:line``, the column and the row.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA annotation file {path} not found')
    rows = 0
    for lineno, line in enumerate(list_from_file(path), 1):
        if not line.strip():
            continue
        cells = line.strip().split(',')
        if len(cells) not in (7, 8):
            _fail(
                path, lineno, None,
                f'expected 8 comma-separated columns {AVA_COLUMNS}, got '
                f'{len(cells)}', line)
        if not cells[0]:
            _fail(path, lineno, 'video_id', 'empty video id', line)
        for col in (1, 6) + ((7, ) if len(cells) == 8 else ()):
            try:
                int(cells[col])
            except ValueError:
                _fail(path, lineno, AVA_COLUMNS[col],
                      f'{cells[col]!r} is not an integer', line)
        box = []
        for col in range(2, 6):
            try:
                box.append(float(cells[col]))
            except ValueError:
                _fail(path, lineno, AVA_COLUMNS[col],
                      f'{cells[col]!r} is not a number', line)
            if not -box_tol <= box[-1] <= 1 + box_tol:
                _fail(
                    path, lineno, AVA_COLUMNS[col],
                    f'{box[-1]} is outside [0, 1] (AVA boxes are '
                    'normalised by the frame size)', line)
        if box[2] <= box[0]:
            _fail(path, lineno, 'x2', f'x2={box[2]} is not right of '
                  f'x1={box[0]}', line)
        if box[3] <= box[1]:
            _fail(path, lineno, 'y2', f'y2={box[3]} is not below '
                  f'y1={box[1]}', line)
        label = int(cells[6])
        if not 1 <= label < num_classes:
            _fail(
                path, lineno, 'action_id',
                f'{label} is outside [1, {num_classes - 1}] '
                f'(num_classes={num_classes} counts the background '
                'column 0)', line)
        rows += 1
    return rows


def check_ava_exclude_file(path: str) -> int:
    """Check an excluded-timestamps CSV: ``video_id,timestamp`` rows.

    Returns:
        int: The number of rows.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: Naming ``path:line``, the column and the row.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA excluded-timestamps file {path} not '
                                'found')
    rows = 0
    for lineno, line in enumerate(list_from_file(path), 1):
        if not line.strip():
            continue
        cells = line.strip().split(',')
        if len(cells) != 2:
            _fail(
                path, lineno, None, 'expected 2 columns (video_id, '
                f'timestamp), got {len(cells)}', line)
        try:
            int(cells[1])
        except ValueError:
            _fail(path, lineno, 'timestamp', f'{cells[1]!r} is not an integer',
                  line)
        rows += 1
    return rows


def check_ava_label_file(path: str) -> Dict[int, str]:
    """Check an action list (``ava_action_list_v2.2*.pbtxt``) as MMAction2
    reads it.

    MMAction2's ``read_labelmap`` (dataset ``custom_classes``, ``AVAMetric``)
    only takes lines starting with two spaces and ``name:`` / ``id:``; any
    other file, such as the ``"1: bend/bow (at the waist)"`` list of
    MMAction2's ``tools/data/ava/label_map.txt``, reads as no class at all,
    and the metric then evaluates nothing.

    Returns:
        dict[int, str]: ``{id: name}``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        AnnotationError: No class read, or an id given twice.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA action list {path} not found')
    with open(path) as f:
        labelmap, _ = read_labelmap(f)
    if not labelmap:
        first = next((line for line in list_from_file(path) if line.strip()),
                     '')
        raise AnnotationError(
            path, 'no class read: an action list holds pbtxt entries '
            '\'item {\' / \'  name: "..."\' / \'  id: N\' indented by two '
            'spaces (ava_action_list_v2.2_for_activitynet_2019.pbtxt); '
            '"N: name" label maps are for the demos, not label_file',
            line=1,
            row=first)
    classes = {}
    for item in labelmap:
        if item['id'] in classes:
            raise AnnotationError(path, f"class id {item['id']} is given "
                                  'twice')
        classes[item['id']] = item['name']
    return classes


@DATASETS.register_module()
class CheckedAVADataset(LoadErrorContextMixin, AVADataset):
    """MMAction2's :class:`~mmaction.datasets.AVADataset` that first checks
    its annotation, excluded-timestamps and action-list files
    (:func:`check_ava_csv`, :func:`check_ava_exclude_file`,
    :func:`check_ava_label_file`), so that a bad row fails with its file,
    line and column instead of a bare ``int()`` error or an assertion.
    Arguments and behaviour are otherwise those of ``AVADataset``.
    """

    def __init__(self,
                 *args,
                 label_file: Optional[str] = None,
                 **kwargs) -> None:
        if label_file is not None:
            classes = check_ava_label_file(label_file)
            custom = kwargs.get('custom_classes')
            unknown = sorted(set(custom or ()) - set(classes))
            if unknown:
                raise ValueError(f'custom_classes {unknown} are not in the '
                                 f'action list {label_file}')
        super().__init__(*args, label_file=label_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Check the files, then load as ``AVADataset`` does."""
        if self.custom_classes is None:
            check_ava_csv(self.ann_file, num_classes=self.num_classes)
        else:  # labels are remapped; only their range in the raw file
            check_ava_csv(self.ann_file, num_classes=10**6)
        if self.exclude_file is not None:
            check_ava_exclude_file(self.exclude_file)
        return super().load_data_list()
