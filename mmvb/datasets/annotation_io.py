# Copyright (c) mmvb contributors. All rights reserved.
"""Strict readers for the annotation files of official dataset releases.

Every converter in ``tools/data`` and every release check
(:mod:`mmvb.datasets.release_check`) reads the published CSV/JSON files
through these helpers, so that a file that differs from the published format
(a reordered or missing column, a cell that is not a number, an unknown
class name, a box outside the frame) fails with an :class:`AnnotationError`
naming the file, the line (or JSON key) and the column, instead of a bare
``ValueError``/``KeyError`` deep in a converter, or a row silently dropped.
"""
import csv
from typing import Dict, List, Optional, Sequence, Tuple, Union

Row = Dict[str, str]


class AnnotationError(ValueError):
    """A malformed annotation file.

    The message reads ``"<path>:<line>: column '<column>': <what> (row:
    '<row>')"`` for text files and ``"<path>: key '<key>': <what>"`` for
    JSON files; the parts that are not known are left out.

    Args:
        path (str): The file.
        msg (str): What is wrong.
        line (int, optional): 1-based line number.
        column (str, optional): Column name (or 1-based index).
        key (str, optional): JSON key path, e.g. ``"videos[3].length"``.
        row (str, optional): The offending line, quoted in the message.
    """

    def __init__(self,
                 path: str,
                 msg: str,
                 line: Optional[int] = None,
                 column: Optional[Union[str, int]] = None,
                 key: Optional[str] = None,
                 row: Optional[str] = None) -> None:
        self.path, self.line, self.column, self.key = path, line, column, key
        self.msg = msg
        where = str(path)
        if line is not None:
            where += f':{line}'
        if key is not None:
            where += f': key {key!r}'
        if column is not None:
            where += f': column {column!r}'
        text = f'{where}: {msg}'
        if row is not None:
            text += f' (row: {row.strip()!r})'
        super().__init__(text)


class CSVRow(dict):
    """One parsed CSV row: ``{column: cell}`` plus where it came from.

    The ``text_of``/``integer``/``number``/``lookup`` accessors convert a
    cell and raise an :class:`AnnotationError` naming the file, line and
    column on failure.
    """

    def __init__(self, cells: Row, path: str, line: int, text: str) -> None:
        super().__init__(cells)
        self.path, self.line, self.text = path, line, text

    def error(self, column: Optional[str], msg: str) -> AnnotationError:
        """An :class:`AnnotationError` located at this row."""
        return AnnotationError(
            self.path, msg, line=self.line, column=column, row=self.text)

    def text_of(self, column: str, allow_empty: bool = False) -> str:
        """The stripped cell; empty cells are errors unless allowed."""
        value = self[column].strip()
        if not value and not allow_empty:
            raise self.error(column, 'empty cell')
        return value

    def integer(self,
                column: str,
                low: Optional[int] = None,
                high: Optional[int] = None) -> int:
        """The cell as an integer in ``[low, high]`` (bounds optional)."""
        value = self[column].strip()
        try:
            number = int(value)
        except ValueError:
            raise self.error(column, f'{value!r} is not an integer') from None
        too_low = low is not None and number < low
        if too_low or (high is not None and number > high):
            raise self.error(
                column,
                f'{number} is outside [{low}, {high}]'.replace('None', '...'))
        return number

    def number(self, column: str) -> float:
        """The cell as a number."""
        value = self[column].strip()
        try:
            return float(value)
        except ValueError:
            raise self.error(column, f'{value!r} is not a number') from None

    def lookup(self,
               column: str,
               choices: Dict[str, int],
               what: str = 'class') -> int:
        """Index of the cell in ``choices`` (``{name: index}``)."""
        value = self[column].strip()
        if value not in choices:
            names = list(choices)
            shown = names if len(names) <= 12 else names[:12] + ['...']
            raise self.error(
                column, f'unknown {what} {value!r} (known: {len(names)} '
                f'names, e.g. {shown})')
        return choices[value]


def read_csv_table(path: str,
                   columns: Sequence[str],
                   header: bool = True,
                   delimiter: str = ',',
                   optional_tail: Sequence[str] = (),
                   skip_blank: bool = True) -> List[CSVRow]:
    """Read a CSV file whose columns must be exactly ``columns``.

    With ``header=True`` the first line must name ``columns`` in that order
    (``optional_tail`` columns may follow, as in Kinetics' ``is_cc``); a
    missing, renamed or reordered column is an error naming it. Without a
    header every row must have ``len(columns)`` cells (or up to
    ``len(columns) + len(optional_tail)``). Rows whose cells are all blank
    are skipped when ``skip_blank`` (trailing empty lines, the ``" ,,"``
    rows of EgoGesture's label files); every other row is returned.

    Args:
        path (str): The file.
        columns (Sequence[str]): Expected column names, in order.
        header (bool): Whether the first line is a header. Defaults to True.
        delimiter (str): Cell delimiter. Defaults to ``','``.
        optional_tail (Sequence[str]): Columns that may follow ``columns``.
        skip_blank (bool): Skip all-blank rows. Defaults to True.

    Returns:
        list[CSVRow]: The rows, each knowing its line number; missing
        optional cells are ``''``.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        AnnotationError: Naming the file, line and column.
    """
    columns, tail = list(columns), list(optional_tail)
    with open(path, newline='', encoding='utf-8-sig') as f:
        lines = f.read().splitlines()
    reader = csv.reader(lines, delimiter=delimiter)
    rows = []
    names = columns + tail
    for lineno, cells in enumerate(reader, 1):
        text = lines[lineno - 1] if lineno <= len(lines) else ''
        if header and lineno == 1:
            names = _check_header(path, [c.strip() for c in cells], columns,
                                  tail)
            continue
        if skip_blank and not any(c.strip() for c in cells):
            continue
        if not len(columns) <= len(cells) <= len(names):
            expected = str(len(columns)) if len(columns) == len(names) \
                else f'{len(columns)} to {len(names)}'
            raise AnnotationError(
                path, f'{len(cells)} cells, expected {expected} '
                f'({delimiter.join(names)})',
                line=lineno,
                row=text)
        values = dict(zip(names, cells + [''] * (len(names) - len(cells))))
        rows.append(CSVRow(values, path, lineno, text))
    if header and not lines:
        raise AnnotationError(
            path, 'empty file; expected the header '
            f'{delimiter.join(columns)!r}')
    return rows


def _check_header(path: str, found: List[str], columns: List[str],
                  tail: List[str]) -> List[str]:
    """Compare a header with the expected columns; return the names."""
    for i, name in enumerate(columns):
        if i < len(found) and found[i] == name:
            continue
        if name in found:
            msg = (f'found as column {found.index(name) + 1}, expected as '
                   f'column {i + 1}: the columns are reordered')
        else:
            msg = 'missing'
        raise AnnotationError(
            path,
            f'{msg} (header {found}, expected {columns + tail})',
            line=1,
            column=name)
    extra = found[len(columns):]
    if extra != tail[:len(extra)]:
        raise AnnotationError(
            path, f'unexpected columns {extra} after {columns} (allowed: '
            f'{tail or "none"})',
            line=1)
    return found


def check_box(box: Sequence[float],
              width: float,
              height: float,
              path: str,
              fmt: str = 'xyxy',
              tol: float = 1.0,
              **where) -> Tuple[float, float, float, float]:
    """Check that a box lies in a ``width x height`` frame.

    Args:
        box (Sequence[float]): ``(x1, y1, x2, y2)`` or, with ``fmt='xywh'``,
            ``(x, y, w, h)``.
        width (float): Frame width.
        height (float): Frame height.
        path (str): The file, for the error.
        fmt (str): ``'xyxy'`` or ``'xywh'``. Defaults to ``'xyxy'``.
        tol (float): Slack in pixels (rounding). Defaults to 1.
        **where: ``line``/``column``/``key``/``row`` of the error.

    Returns:
        tuple: The box as ``(x1, y1, x2, y2)``.

    Raises:
        AnnotationError: The box has not 4 numbers, is empty or leaves the
            frame.
    """
    if len(box) != 4:
        raise AnnotationError(path, f'a box has 4 numbers, got {box!r}',
                              **where)
    x1, y1, a, b = (float(v) for v in box)
    x2, y2 = (x1 + a, y1 + b) if fmt == 'xywh' else (a, b)
    if not (x2 > x1 and y2 > y1):
        raise AnnotationError(path, f'empty box {list(box)} ({fmt})', **where)
    if x1 < -tol or y1 < -tol or x2 > width + tol or y2 > height + tol:
        raise AnnotationError(
            path, f'box {list(box)} ({fmt}) is outside the {width:g}x'
            f'{height:g} frame', **where)
    return x1, y1, x2, y2
