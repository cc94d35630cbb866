"""One screening pipeline: paths in, one :class:`ScreeningResult` per cell out, streaming.

An image of one cell gives one result. A whole microscope field (see
:func:`~malariascope.core.fields.looks_like_field`) is screened by
``core.screening.screen_field``, and every cell found gives its own result, with its number and
box in the field; a field without cells gives one result that says so, so nothing is dropped
silently.

The CLI and the GUI's worker both consume :func:`screen`, and ``evaluate-fields`` scores fields
with the same ``screen_field``, so their figures agree by construction. Images are read, hashed
and preprocessed by a small thread pool (OpenCV releases the GIL) ahead of inference: a batch of
files ahead, or only a few once whole fields turn up. A field is screened whole by its loader
thread and keeps its cells' scores, not its pixels, so memory stays bounded. A copy of a file
kept before it is known by its hash and not decoded, when the consumer leaves copies out
(``core.copies``).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from malariascope.core.cancelling import stopping_on
from malariascope.core.classifier import Classifier
from malariascope.core.clock import utc_now
from malariascope.core.copies import LEFT_OUT, Copies, FirstReads, Turn
from malariascope.core.discovery import why_missing
from malariascope.core.errors import ImageReadError, ScreeningStopped
from malariascope.core.fieldrule import FieldRule
from malariascope.core.imageio import MEMORY_HEAVY, decode_image, read_bytes
from malariascope.core.options import MODES, Mode
from malariascope.core.preprocess import to_model_input
from malariascope.core.results import ScreeningResult
from malariascope.core.screenable import could_not_screen, nothing_to_screen
from malariascope.core.screening import BATCH_SIZE, screen_field
from malariascope.core.withoutcall import NO_CELLS

FIELD_LOOKAHEAD = 4  # files loaded ahead once fields appear: each is screened by its loader
#: What makes a file an error result, not an exception: the batch goes on
_UNSCREENABLE = (ImageReadError, MemoryError, cv2.error)
#: An image over this many pixels is worked on (its cells found) under ``MEMORY_HEAVY``, not
#: beside another large one or a decoding: two would not leave a batch within 1.5 GB.
LARGE_PIXELS = 4_000_000


Loaded = tuple[ScreeningResult, np.ndarray | None]  # a result and its model input, if any


def cell_pixels(result: ScreeningResult, image: np.ndarray) -> np.ndarray:
    """What ``result`` is about within its file's ``image``: all of it, or the cell's box."""
    if result.box is None:
        return image
    x, y, w, h = result.box
    return image[y:y + h, x:x + w]


def screen(
    paths: Iterable[str | os.PathLike[str]],
    classifier: Classifier,
    batch_size: int = BATCH_SIZE,
    mode: Mode = "auto",
    copies: Copies | None = None,
    fields_as_cells: set[Path] | None = None,
    stop: threading.Event | None = None,
    keep_first: bool = False,
) -> Iterator[ScreeningResult]:
    """Yield the results of every path in order; bad files become error results, never
    exceptions.

    Parameters
    ----------
    paths, classifier
        Image files, in the order their results come, and the model that scores them.
    batch_size, mode
        Single cells scored together; each image as it looks (``auto``), as one ``cell``,
        or as a whole ``field``.
    copies
        When given, a file whose bytes are those of a file kept before it is not decoded: it
        gives one result, its error ``copies.LEFT_OUT``, which ``copies.is_copy`` leaves out.
    fields_as_cells
        When given, the path of each image screened as one ``cell`` though it looks like a
        whole field (the rule of ``auto``) is added to it once the image is loaded.
    stop, keep_first
        Once ``stop`` is set, a field being screened stops at its next step, and the results
        end with the cells the model has called: those loaded and not called yet, and the
        files after them, are left not screened. With ``keep_first``, the first file is
        screened to its end all the same (a Ctrl-C keeps the image in hand).

    Returns
    -------
    Iterator[ScreeningResult]
        One result per single cell, per cell found in a field, or per file that failed.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    waiting: list[Loaded] = []
    reads = copies.reads() if copies is not None else None
    # Closed here, not left to the garbage collector: an exception while its loaders stop (a
    # second Ctrl-C) must reach whoever closes this generator, not be printed and ignored.
    rule = FieldRule(mode, fields_as_cells)
    loads = _loads(paths, classifier, rule, batch_size, reads, stop, keep_first)
    with contextlib.closing(loads):
        for loaded in loads:
            if _asked(stop) and (waiting or not loaded[0][0].whole_field):
                if loaded[0][0].whole_field:  # its cells all called by its loader: kept
                    yield from (result for result, _ in loaded)
                else:  # loaded, not called: left, but for a first file kept
                    waiting.extend(loaded)
                break
            if loaded[0][0].whole_field:  # screened whole by its loader, after those waiting
                yield from _classify(waiting, classifier)
                yield from (result for result, _ in loaded)
                waiting, keep_first = [], False
                continue
            waiting.extend(loaded)
            while len(waiting) >= batch_size and not _asked(stop):
                yield from _classify(waiting[:batch_size], classifier)
                del waiting[:batch_size]
                keep_first = False
    if _asked(stop):
        waiting = waiting[:1] if keep_first else []
    yield from _classify(waiting, classifier)


def _asked(stop: threading.Event | None) -> bool:
    return stop is not None and stop.is_set()


def whole_files(results: Iterable[ScreeningResult]) -> Iterator[list[ScreeningResult]]:
    """The results of each image file together, once its last one is in (all the cells of a
    whole field). A consumer that stops between files, on a cancel or Ctrl-C, never keeps
    part of a field: its parasitemia would look real."""
    current: list[ScreeningResult] = []
    for result in results:
        if result.starts_file and current:
            yield current
            current = []
        current.append(result)
    if current:
        yield current


def _loads(paths: Iterable, classifier: Classifier, rule: FieldRule, batch_size: int,
           reads: FirstReads | None, stop: threading.Event | None, keep_first: bool
           ) -> Iterator[list[Loaded]]:
    """Each file's results with their model inputs, in order, loaded ahead by two threads
    told ``stop`` (all but the first file's, ``keep_first``: see :func:`screen`).

    Single cells are loaded a batch ahead; once a whole field has turned up, only a few files
    are, since a field takes the time of many cells.
    """
    ahead = FIELD_LOOKAHEAD if rule.mode == "field" else batch_size
    iterator = iter(paths)
    pending: deque[Future[list[Loaded]]] = deque()
    stops = itertools.chain([None] if keep_first else [], itertools.repeat(stop))
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        while True:
            while len(pending) < ahead and (path := next(iterator, None)) is not None:
                pending.append(_queue(pool, Path(path), reads, classifier, rule, next(stops)))
            if not pending:
                return
            try:
                loaded = pending.popleft().result()
            except ScreeningStopped:
                return  # the files before the one stopped are all the consumer waits for
            if loaded[0][0].whole_field:
                ahead = FIELD_LOOKAHEAD
            yield loaded
    finally:  # stopped early (cancel): files not started yet are not read at all
        pool.shutdown(wait=False, cancel_futures=True)
        # Wait for the files being read on their futures, not by joining the threads: a
        # Ctrl-C that interrupts a join in Python 3.11 marks the thread stopped while it still
        # runs, and the interpreter then exits under its feet. Only the futures not cancelled:
        # futures.wait never counts a cancelled one as done.
        futures.wait([future for future in pending if not future.cancelled()])
        # Then the idle threads are joined so that none outlives a batch: they end at once, which
        # leaves a Ctrl-C microseconds, not the length of a file's load, to land in a join.
        pool.shutdown(wait=True)


def _queue(pool: ThreadPoolExecutor, path: Path, reads: FirstReads | None,
           classifier: Classifier, rule: FieldRule, stop: threading.Event | None
           ) -> Future[list[Loaded]]:
    """Start loading ``path`` after those queued before it, to stop once ``stop`` is set."""
    if reads is None:
        return pool.submit(stopping_on(stop).run, _load, path, None, classifier, rule)
    turn = reads.turn()
    future = pool.submit(stopping_on(stop).run, _load, path, turn, classifier, rule)
    future.add_done_callback(turn.end)
    return future


def _load(path: Path, turn: Turn | None, classifier: Classifier,
          rule: FieldRule) -> list[Loaded]:
    """Read and hash one file, and screen it unless it is a copy of one kept before it in
    ``turn``'s screening: then one result saying so (``copies.LEFT_OUT``), not decoded."""
    result = ScreeningResult(path)
    try:
        data = read_bytes(path)
    except _UNSCREENABLE as exc:
        if turn is not None:
            turn.unreadable()
        return [_refused(result, exc)]
    result.sha256 = hashlib.sha256(data).hexdigest()
    if turn is None:
        return _decoded(result, data, classifier, rule)
    with turn.screening(result.sha256) as first:
        if first is None:
            return [_failed(result, LEFT_OUT)]
        loaded = _decoded(result, data, classifier, rule)
        first.ok = loaded[0][0].ok
        return loaded


def _decoded(result: ScreeningResult, data: np.ndarray, classifier: Classifier,
             rule: FieldRule) -> list[Loaded]:
    """Decode and preprocess one file's bytes, or screen it whole when it is a field. A bad
    file gives one error result and no input, and so does one that runs out of memory: the
    batch goes on."""
    try:
        image = decode_image(data)
        result.image_shape = image.shape[:2]
        large = image.shape[0] * image.shape[1] > LARGE_PIXELS
        with MEMORY_HEAVY if large else contextlib.nullcontext():
            return _prepare(result, image, classifier, rule)
    except _UNSCREENABLE as exc:
        return [_refused(result, exc)]


def _prepare(result: ScreeningResult, image: np.ndarray, classifier: Classifier,
             rule: FieldRule) -> list[Loaded]:
    """The model input of an image's cell, or the screened cells found in it as a field."""
    if reason := nothing_to_screen(image):
        return [_failed(result, reason)]
    if rule(result.path, image):
        return _screen_field(result, image, classifier)
    return [(result, to_model_input(image, classifier.input_size))]


def _screen_field(result: ScreeningResult, image: np.ndarray, classifier: Classifier
                  ) -> list[Loaded]:
    """One scored result per cell found, sharing the file's hash; none found, or a field
    unlike a smear, is one result saying so."""
    result.whole_field = True
    screening = screen_field(image, classifier)
    if not screening.cells:
        return [_failed(result, screening.refused or NO_CELLS)]
    stamp = utc_now()
    return [(replace(result, cell_index=cell.index + 1, box=cell.box, probability=float(p),
                     raw_probability=float(raw), class_map=class_map, processed_at=stamp), None)
            for cell, p, raw, class_map in zip(screening.cells, screening.probabilities,
                                               screening.raw, screening.class_maps, strict=True)]


def not_searched(missing: Iterable[Path]) -> list[ScreeningResult]:
    """An error row for each path a search could not enter (``Discovery.missing``: not there,
    a folder that would not open or not followed), so a report says what it left out."""
    return [ScreeningResult(path, error=f"{why_missing(path)}: not screened",
                            processed_at=utc_now()) for path in missing]


def _refused(result: ScreeningResult, exc: Exception) -> Loaded:
    """The error result of a file that could not be read or screened, saying why."""
    if isinstance(exc, ImageReadError):
        return _failed(result, str(exc))
    return _failed(result, could_not_screen(result.image_shape, exc))


def _failed(result: ScreeningResult, reason: str) -> Loaded:
    result.error, result.processed_at = reason, utc_now()
    return result, None


def _classify(loaded: list[Loaded], classifier: Classifier) -> Iterator[ScreeningResult]:
    """Score the good cells of a batch (at most :data:`BATCH_SIZE`: ``screen`` feeds them so)
    at once, then yield every result in input order."""
    good = [(result, cell) for result, cell in loaded if cell is not None]
    if good:
        scores = classifier.predict(np.stack([cell for _, cell in good]))
        stamp = utc_now()
        for i, (result, _) in enumerate(good):
            result.probability = float(scores.probabilities[i])
            result.class_map = scores.class_maps[i]
            result.processed_at = stamp
    for result, _ in loaded:
        yield result
