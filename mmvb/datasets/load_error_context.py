# Copyright (c) mmvb contributors. All rights reserved.
"""Loading errors that name the sample's file, index and annotation file.

MMAction2's loading transforms (``DecordInit``, ``PyAVInit``,
``RawFrameDecode``, ``AudioDecodeInit``, ...) read the file into memory and
hand the decoder a buffer, so an unreadable file fails with e.g. ``Error
reading 23 bytes ...`` and no file name (``mmaction2 1.2.0``).
"""
from typing import Any

# Keys of a data-info dict that name the sample's file(s).
FILE_KEYS = ('filename', 'frame_dir', 'audio_path', 'img_path')


def add_error_context(error: BaseException, context: str) -> None:
    """Attach ``context`` to ``error`` (shown under its message).

    Python >= 3.11 keeps it as a note (``BaseException.add_note``);
    earlier versions append it to a string message.

    Args:
        error (BaseException): The exception being raised.
        context (str): One line of context.
    """
    if hasattr(error, 'add_note'):  # Python >= 3.11
        error.add_note(context)
    elif error.args and isinstance(error.args[0], str):
        error.args = (f'{error.args[0]}\n{context}', ) + error.args[1:]


class LoadErrorContextMixin:
    """Make a dataset's loading errors name the file, index and ann file.

    Put it before the dataset class (``class MyDataset(
    LoadErrorContextMixin, BaseActionDataset)``): any exception raised
    while :meth:`prepare_data` runs the pipeline gets a note ``while
    loading sample <idx> (<file>) of <Dataset> from <ann_file>``; its type
    and traceback are unchanged. Every mmvb dataset derived from
    ``mmaction.datasets.BaseActionDataset`` has it, and
    :class:`~mmvb.datasets.CheckedVideoDataset`,
    :class:`~mmvb.datasets.CheckedRawframeDataset` and
    :class:`~mmvb.datasets.CheckedAudioDataset` add it to MMAction2's
    datasets for mmvb's configs. *Remove when* MMAction2's loading errors
    name the file.
    """

    def prepare_data(self, idx: int) -> Any:
        """``super().prepare_data`` with the sample named on errors."""
        try:
            return super().prepare_data(idx)
        except Exception as error:
            try:
                info = self.get_data_info(idx)
                files = [str(info[k]) for k in FILE_KEYS if k in info]
            except Exception:
                files = []
            what = f' ({", ".join(files)})' if files else ''
            add_error_context(
                error, f'while loading sample {idx}{what} of '
                f'{type(self).__name__} from {self.ann_file}')
            raise
