"""Thumbnails decoded on demand, off the UI thread, and kept in a bounded cache.

The table asks only for the rows it paints, so a folder of 20,000 cells costs nothing until
the user scrolls. Requests run newest first (a fast scroll does not wait for rows already
gone), on a small pool of its own so screening and the detail view are never queued behind.
A cell of a whole field is cut from its field, which :func:`read_field` reads once for all
its cells.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage

from malariascope.gui.workers import lower_thread_priority

if TYPE_CHECKING:
    import numpy as np

    from malariascope.core.pipeline import ScreeningResult

MAX_PENDING = 256  # queued decodes; more means the user scrolled past them
FAILED = QImage()  # cached for files that could not be read: no retry on every repaint


class _Signals(QObject):
    loaded = Signal(int, int, QImage)  # generation, row, image (null when unreadable)


class _ThumbnailJob:
    """One decode, handed to the pool as its bound ``run`` and never cleared from it: PySide6
    keeps for good some QRunnables a pool ran, and callables it cleared unrun, with their
    cells. A job still queued when ``dropped`` is set runs as a no-op."""

    def __init__(self, signals: _Signals, generation: int, row: int, result: ScreeningResult,
                 pixels: int, dropped: threading.Event) -> None:
        self._signals, self._generation, self._row = signals, generation, row
        self._result, self._pixels, self._dropped = result, pixels, dropped

    def run(self) -> None:
        if self._dropped.is_set():
            return
        lower_thread_priority()
        image = decode_thumbnail(self._result, self._pixels)
        self._signals.loaded.emit(self._generation, self._row, image)


FIELD_CACHE_BYTES = 64 * 2**20  # decoded fields kept; the last one read is kept whatever its size
_field_lock = threading.Lock()
_fields: OrderedDict[Path, np.ndarray] = OrderedDict()  # least recently used first


def read_field(path: Path) -> np.ndarray:
    """A whole field's pixels (read-only), kept among the last fields read (up to
    :data:`FIELD_CACHE_BYTES`) until a new batch starts.

    Its cells' thumbnails, the selected cell and the field view all need it, from several
    threads; a gallery sorted by P shows cells of many fields side by side, and decoding a
    field for each of its cells would fill a screen of thumbnails slowly.
    """
    from malariascope.core.imageio import read_image

    with _field_lock:  # two threads asking for one field decode it once
        image = _fields.get(path)
        if image is None:
            image = read_image(path)
            image.flags.writeable = False
            _fields[path] = image
            while len(_fields) > 1 and sum(f.nbytes for f in _fields.values()) > \
                    FIELD_CACHE_BYTES:
                _fields.popitem(last=False)
        _fields.move_to_end(path)
        return image


def forget_fields() -> None:
    """Drop the fields kept (a new batch: the files may have changed)."""
    with _field_lock:
        _fields.clear()


def read_cell(result: ScreeningResult) -> np.ndarray:
    """The pixels of one result: its image, or its cell's box within a whole field."""
    from malariascope.core.imageio import read_image
    from malariascope.core.pipeline import cell_pixels

    if result.box is None:
        return read_image(result.path)
    return cell_pixels(result, read_field(result.path))


def decode_thumbnail(result: ScreeningResult, pixels: int) -> QImage:
    """The cell of ``result`` scaled to fit ``pixels`` square (a null image when unreadable).

    Read with the core reader so thumbnails look like what the model saw (16-bit, EXIF, ...).
    """
    import cv2

    from malariascope.core.errors import ImageReadError

    try:
        image = read_cell(result)
    except ImageReadError:
        return QImage()
    height, width = image.shape[:2]
    scale = pixels / max(height, width)
    if scale < 1:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return rgb_qimage(image)


def rgb_qimage(image) -> QImage:
    """A QImage that owns a copy of an RGB ``uint8`` array (safe to pass between threads)."""
    height, width = image.shape[:2]
    data = image.copy(order="C")
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class ThumbnailCache(QObject):
    """Thumbnails by row; :meth:`get` returns one or schedules its decoding."""

    ready = Signal(int)  # row whose thumbnail just arrived

    def __init__(self, size: int, ratio: float = 1.0, capacity: int = 4000,
                 parent: QObject | None = None, max_pending: int = MAX_PENDING):
        super().__init__(parent)
        self.size = size  # logical pixels: decoded at size * ratio so high-DPI stays sharp
        self.ratio = ratio
        self.pixels = math.ceil(size * ratio)
        self._capacity = capacity
        self._max_pending = max_pending  # above a screenful of the view it serves
        self._images: OrderedDict[int, QImage] = OrderedDict()
        self._pending: set[int] = set()
        self._requested: list[tuple[int, ScreeningResult]] = []  # asked during the current paint
        self._generation = 0
        self._closed = False  # once shut down, no decode starts
        self._priority = itertools.count()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._dropped = threading.Event()  # set: the jobs queued so far are not wanted
        self._signals = _Signals(self)
        self._signals.loaded.connect(self._on_loaded)

    def get(self, row: int, result: ScreeningResult) -> QImage | None:
        """The cached thumbnail (``FAILED`` when unreadable), or None while it is decoded."""
        image = self._images.get(row)
        if image is not None:
            self._images.move_to_end(row)
            return image
        if row not in self._pending:
            if len(self._pending) >= self._max_pending:  # scrolled far: drop rows long gone by
                self._drop_queued()
                self._pending.clear()
                self._requested.clear()
            self._pending.add(row)
            self._requested.append((row, result))
            if len(self._requested) == 1:
                QTimer.singleShot(0, self._start_requested)
        return None

    def _start_requested(self) -> None:
        """Start the decodes asked for during a paint, once the paint is over.

        Started at once, they would compete with the painting thread for the GIL.
        """
        if self._closed:  # a paint as the window closed asked for them
            self._requested.clear()
            return
        for row, result in self._requested:
            job = _ThumbnailJob(self._signals, self._generation, row, result, self.pixels,
                                self._dropped)
            self._pool.start(job.run, min(next(self._priority), 2**31 - 1))
        self._requested.clear()

    def clear(self) -> None:
        """Forget every thumbnail (a new batch); late arrivals of the old batch are dropped."""
        forget_fields()
        self._forget()

    def set_size(self, size: int, capacity: int) -> None:
        """Decode at ``size`` logical pixels from now on, keeping at most ``capacity``."""
        self.size, self.pixels, self._capacity = size, math.ceil(size * self.ratio), capacity
        self._forget()

    def _drop_queued(self) -> None:
        """Let the jobs still queued end unrun."""
        self._dropped.set()
        self._dropped = threading.Event()

    def _forget(self) -> None:
        self._drop_queued()
        self._generation += 1
        self._images.clear()
        self._pending.clear()
        self._requested.clear()

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Drop queued jobs and wait for the running ones (the app is closing); none starts
        after."""
        self._closed = True
        self._drop_queued()
        return self._pool.waitForDone(msecs)

    def active(self) -> int:
        return self._pool.activeThreadCount()

    def _on_loaded(self, generation: int, row: int, image: QImage) -> None:
        if generation != self._generation:
            return
        self._pending.discard(row)
        if image.isNull():
            image = FAILED
        else:
            image.setDevicePixelRatio(self.ratio)
        self._images[row] = image
        while len(self._images) > self._capacity:
            self._images.popitem(last=False)
        self.ready.emit(row)
