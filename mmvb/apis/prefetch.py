# Copyright (c) mmvb contributors. All rights reserved.
"""Read ahead of the consumer in a background thread, boundedly."""
import queue
import threading
from typing import Generic, Iterable, Iterator, Optional, TypeVar

__all__ = ['PrefetchIterator', 'prefetch']

T = TypeVar('T')
_END = object()


class PrefetchIterator(Generic[T], Iterator[T]):
    """Iterate ``iterable`` in a background thread, at most ``maxsize``
    items ahead of the consumer.

    Video decoding (OpenCV, decord) and resizing release the GIL, and so do
    PyTorch's operators: with the reader in its own thread, the next frames
    are decoded while the model runs on the current clip, instead of decode,
    copy and forward running strictly one after the other. The queue bounds
    the frames held in memory to ``maxsize`` (plus the one being produced).

    An exception raised by the iterable is raised again, with its type, by
    the ``next`` call that reaches it. :meth:`close` (also on ``with`` exit
    and garbage collection) stops the reader when the consumer stops early;
    the reader then closes a generator it was reading.

    Args:
        iterable (Iterable): Items to read (e.g. video frames).
        maxsize (int): Items read ahead at most (>= 1).
        name (str, optional): Thread name. Defaults to ``'mmvb-prefetch'``.
    """

    def __init__(self,
                 iterable: Iterable[T],
                 maxsize: int,
                 name: Optional[str] = None) -> None:
        if maxsize < 1:
            raise ValueError(f'maxsize must be >= 1, got {maxsize}')
        self._queue: queue.Queue = queue.Queue(maxsize)
        self._stop = threading.Event()
        self._done = False
        self._thread = threading.Thread(
            target=self._read,
            args=(iter(iterable), ),
            name=name or 'mmvb-prefetch',
            daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        """Put unless stopped (polls so that :meth:`close` is noticed)."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _read(self, iterator: Iterator[T]) -> None:
        try:
            for item in iterator:
                if not self._put((item, None)):
                    break
            else:
                self._put((_END, None))
        except BaseException as err:  # handed to the consumer
            self._put((_END, err))
        finally:
            close = getattr(iterator, 'close', None)
            if close is not None:
                close()

    def __iter__(self) -> 'PrefetchIterator[T]':
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        item, err = self._queue.get()
        if item is _END:
            self._done = True
            self._thread.join()
            if err is not None:
                raise err
            raise StopIteration
        return item

    def close(self) -> None:
        """Stop the reader thread and drop what it read ahead."""
        self._done = True
        self._stop.set()
        self._thread.join()
        while not self._queue.empty():
            self._queue.get_nowait()

    def __enter__(self) -> 'PrefetchIterator[T]':
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, '_thread', None) is not None and \
                self._thread.is_alive():
            self._stop.set()


def prefetch(iterable: Iterable[T], maxsize: int) -> Iterator[T]:
    """``iterable`` read ahead by :class:`PrefetchIterator`; ``maxsize`` 0
    returns a plain iterator (no thread)."""
    if maxsize <= 0:
        return iter(iterable)
    return PrefetchIterator(iterable, maxsize)
