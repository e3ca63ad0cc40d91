# Copyright (c) mmvb contributors. All rights reserved.
"""Checking a downloaded dataset release before a long training run.

A :class:`ReleaseSpec` describes one release: where it is downloaded, the
folder layout the converters expect, the published number of items per
split (with the publication that gives it) and a check function. The check
reads the annotation files with the strict readers of the converters
(:mod:`mmvb.datasets.annotation_io`), counts what each split holds, and
probes the media every annotation row points to: missing or unreadable
videos, audio files or frames are listed with their paths and the
annotation line that needs them. ``tools/data/check_release.py`` is the
command line.
"""
import os
import os.path as osp
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from tqdm import tqdm

from ..annotation_io import AnnotationError

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')


@dataclass
class Count:
    """A published number of items of one split.

    Args:
        expected (int, optional): The number; None where nothing is
            published.
        unit (str): What is counted (``'videos'``, ``'segments'``, ...).
        source (str): Where the number is published.
        exact (bool): A different count is a problem. False for numbers
            that depend on the download (YouTube clips that still exist):
            they are shown for reference only.
        required (bool): An exact count that was not found at all is a
            problem. False for alternatives (two annotation versions).
    """
    expected: Optional[int]
    unit: str
    source: str = ''
    exact: bool = True
    required: bool = True


@dataclass
class CheckOptions:
    """How deep a check goes.

    Args:
        decode (bool): Open every video / audio file, decode the first
            image of every frame folder and check that it holds the last
            frame the annotations need (False: existence only).
        progress (bool): Show progress bars.
        allow_missing_media (bool): Missing media are listed as notes, not
            problems (YouTube-sourced sets are never complete).
        expected (dict): ``{split: count}`` overriding the published counts
            (a subset, a later annotation version).
    """
    decode: bool = True
    progress: bool = True
    allow_missing_media: bool = False
    expected: Dict[str, int] = field(default_factory=dict)


class ReleaseReport:
    """What a check found: counts per split, problems, notes."""

    def __init__(self, spec: 'ReleaseSpec', root: str,
                 options: CheckOptions) -> None:
        self.spec, self.root, self.options = spec, root, options
        self.found: Dict[str, int] = OrderedDict()
        self.problems: List[str] = []
        self.notes: List[str] = []
        self.checked: Dict[str, int] = OrderedDict()
        self.rows: Optional[List[Tuple[str, Optional[int], Count]]] = None

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def problem(self, msg: str) -> None:
        """Record a problem (the exit status becomes non-zero)."""
        self.problems.append(msg)

    def note(self, msg: str) -> None:
        """Record something worth knowing that is not wrong."""
        self.notes.append(msg)

    def path(self, *parts: str) -> str:
        """A path below the release root."""
        return osp.join(self.root, *parts)

    def require(self, *rel: str) -> List[str]:
        """The files of ``rel`` below the root; missing ones are problems.
        Returns the paths that exist."""
        present = []
        for name in rel:
            path = self.path(name)
            if osp.exists(path):
                present.append(path)
            else:
                self.problem(f'missing annotation file: {path}')
        return present

    def read(self, reader: Callable, *args, **kwargs):
        """Call an annotation reader; a malformed file is a problem (its
        message names the file, line and column). Returns None then."""
        try:
            return reader(*args, **kwargs)
        except (AnnotationError, FileNotFoundError, ValueError) as err:
            self.problem(f'bad annotation file: {err}')
        return None

    def count(self, split: str, number: int) -> None:
        """Record how many items a split has."""
        self.found[split] = self.found.get(split, 0) + number

    def missing(self, kind: str, path: str, where: str = '') -> None:
        """A medium an annotation points to does not exist."""
        msg = f'missing {kind}: {path}' + (f' ({where})' if where else '')
        if self.options.allow_missing_media:
            self.note(msg)
        else:
            self.problem(msg)

    def media(self,
              kind: str,
              items: Iterable[Tuple[str, str]],
              probe: Callable[[str], None],
              exists: Callable[[str], bool] = osp.exists) -> int:
        """Check media: ``items`` are ``(path, where)`` pairs (``where``
        names the annotation line needing it). Missing paths are reported
        with :meth:`missing`; with ``decode``, ``probe(path)`` must not
        raise, else the path is unreadable. Returns the number of readable
        items."""
        items = list(items)
        good = 0
        for path, where in tqdm(
                items,
                desc=f'{self.spec.name} {kind}',
                disable=not self.options.progress):
            if not exists(path):
                self.missing(kind, path, where)
                continue
            if self.options.decode:
                try:
                    probe(path)
                except Exception as err:  # noqa: B902 decoders raise anything
                    self.problem(f'unreadable {kind}: {path}'
                                 f'{f" ({where})" if where else ""}: {err}')
                    continue
            good += 1
        self.checked[kind] = self.checked.get(kind, 0) + len(items)
        return good

    def compare_counts(self) -> List[Tuple[str, Optional[int], Count]]:
        """Compare the counts with the published ones (problems for exact
        ones that differ); returns ``(split, found, Count)`` rows. Called
        once by :func:`check_release` after the check."""
        if self.rows is not None:
            return self.rows
        rows = []
        for split, count in self.spec.counts.items():
            if split in self.options.expected:
                count = Count(self.options.expected[split], count.unit,
                              'given on the command line', True)
            found = self.found.get(split)
            rows.append((split, found, count))
            if count.expected is None or not count.exact or (
                    found is None and not count.required):
                continue
            if found != count.expected:
                self.problem(
                    f'{split}: {found if found is not None else "no"} '
                    f'{count.unit}, published {count.expected} '
                    f'({count.source})')
        for split, found in self.found.items():
            if split not in self.spec.counts:
                rows.append((split, found, Count(None, '')))
        self.rows = rows
        return rows

    def format(self, max_print: int = 100) -> str:
        """The report as text (counts table, problems, notes)."""
        rows = self.compare_counts()
        lines = [
            f'{self.spec.title} ({self.spec.name}) at {self.root}',
            f'  download: {self.spec.url}',
            f'  {"split":<18} {"found":>8} {"published":>10}  unit / source'
        ]
        for split, found, count in rows:
            shown = '-' if found is None else str(found)
            expected = '-' if count.expected is None else str(count.expected)
            mark = '' if count.exact else ' (for reference)'
            lines.append(f'  {split:<18} {shown:>8} {expected:>10}  '
                         f'{count.unit}; {count.source}{mark}'.rstrip('; '))
        how = 'decoded' if self.options.decode else 'existence only'
        for kind, number in self.checked.items():
            lines.append(f'  {kind}: {number} checked ({how})')
        for note in self.notes[:max_print]:
            lines.append(f'  note: {note}')
        if len(self.notes) > max_print:
            lines.append(f'  ... {len(self.notes) - max_print} more notes')
        if self.ok:
            lines.append('OK: 0 problems')
        else:
            lines.append(f'FAILED: {len(self.problems)} problems')
            for msg in self.problems[:max_print]:
                lines.append(f'  {msg}')
            if len(self.problems) > max_print:
                lines.append(f'  ... {len(self.problems) - max_print} more '
                             '(--max-print)')
        return '\n'.join(lines)


@dataclass
class ReleaseSpec:
    """One dataset release.

    Args:
        name (str): The name ``check_release.py`` takes.
        title (str): The dataset's name.
        url (str): The official download page.
        layout (str): The folder layout below the root, as the converters
            read it.
        counts (dict): ``{split: Count}``, the published numbers.
        check (callable): ``check(report)`` fills a :class:`ReleaseReport`.
    """
    name: str
    title: str
    url: str
    layout: str
    counts: Dict[str, Count]
    check: Callable[[ReleaseReport], None]


RELEASES: Dict[str, ReleaseSpec] = OrderedDict()


def register_release(spec: ReleaseSpec) -> ReleaseSpec:
    """Add a spec to :data:`RELEASES`."""
    assert spec.name not in RELEASES, spec.name
    RELEASES[spec.name] = spec
    return spec


def check_release(name: str,
                  root: str,
                  options: Optional[CheckOptions] = None) -> ReleaseReport:
    """Check the release of dataset ``name`` below ``root``.

    Args:
        name (str): A key of :data:`RELEASES`.
        root (str): The release folder.
        options (CheckOptions, optional): Depth and overrides.

    Returns:
        ReleaseReport: Call :meth:`ReleaseReport.format` for the text;
        ``ok`` is False when something is wrong.
    """
    if name not in RELEASES:
        raise KeyError(f'unknown dataset {name!r}; one of {list(RELEASES)}')
    spec = RELEASES[name]
    report = ReleaseReport(spec, root, options or CheckOptions())
    if not osp.isdir(root):
        report.problem(f'{root} is not a folder')
        return report
    spec.check(report)
    report.compare_counts()
    return report


# --------------------------------------------------------------------------
# probes
# --------------------------------------------------------------------------
def probe_image(path: str) -> None:
    """Decode an image (OpenCV); raise if it cannot."""
    import cv2
    if cv2.imread(path) is None:
        raise ValueError('OpenCV cannot decode it')


def probe_video(path: str) -> None:
    """Open a video and decode its first frame (PyAV); raise if it
    cannot."""
    import av
    with av.open(path) as container:
        if not container.streams.video:
            raise ValueError('no video stream')
        for _ in container.decode(video=0):
            return
    raise ValueError('no frame decodes')


def probe_audio(path: str) -> None:
    """The file has a readable audio stream of non-zero length."""
    from ..audio_io import audio_info
    _, duration, _ = audio_info(path)
    if duration <= 0:
        raise ValueError('empty audio stream')


def list_frames(folder: str) -> List[str]:
    """Image files directly inside ``folder`` (sorted names; empty if the
    folder does not exist)."""
    if not osp.isdir(folder):
        return []
    return sorted(
        n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTS))


def frame_folder_probe(tmpl: Optional[str] = None,
                       needed: Optional[Dict[str, int]] = None,
                       start_index: int = 1) -> Callable[[str], None]:
    """A probe for frame folders: not empty, frame files up to the number
    an annotation needs (``needed[folder]``, with ``tmpl`` the file name
    template), first frame (and the last needed one) decodable."""

    def probe(folder: str) -> None:
        frames = list_frames(folder)
        if not frames:
            raise ValueError('no frames')
        paths = [osp.join(folder, frames[0])]
        if needed and tmpl and folder in needed:
            last = osp.join(folder,
                            tmpl.format(start_index + needed[folder] - 1))
            if not osp.isfile(last):
                raise ValueError(f'{len(frames)} frames; the annotations '
                                 f'need {osp.basename(last)}')
            paths.append(last)
        for path in paths:
            probe_image(path)

    return probe
