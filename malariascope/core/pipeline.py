"""One screening pipeline: paths in, one :class:`ScreeningResult` per image out, streaming.

The CLI and the GUI's worker both consume :func:`screen`, so their reports agree by
construction. Images are read and preprocessed by a small thread pool (OpenCV releases the
GIL) one batch ahead of inference, so memory stays bounded by a couple of batches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from malariascope.core.classifier import Classifier
from malariascope.core.errors import ImageReadError
from malariascope.core.imageio import decode_image, read_bytes
from malariascope.core.preprocess import to_model_input

BATCH_SIZE = 64


@dataclass
class ScreeningResult:
    """What the screen found for one image: a probability, or an error with its reason."""

    path: Path
    sha256: str = ""
    probability: float | None = None
    class_map: np.ndarray | None = None
    image_shape: tuple[int, int] = (0, 0)
    error: str = ""
    processed_at: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def utc_now() -> str:
    """The current time, UTC ISO 8601, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def screen(
    paths: Iterable[str | os.PathLike[str]], classifier: Classifier, batch_size: int = BATCH_SIZE
) -> Iterator[ScreeningResult]:
    """Yield one result per path, in order; bad files become error results, never exceptions."""
    size = classifier.input_size
    iterator = iter(paths)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = _submit(pool, iterator, batch_size, size)
        while pending:
            loaded = [future.result() for future in pending]
            pending = _submit(pool, iterator, batch_size, size)
            yield from _classify(loaded, classifier)


def _submit(pool: ThreadPoolExecutor, paths: Iterator, count: int, size: int) -> list:
    return [pool.submit(_load, Path(path), size) for path in islice(paths, count)]


def _load(path: Path, size: int) -> tuple[ScreeningResult, np.ndarray | None]:
    """Read, hash and preprocess one file; a bad file gives an error result and no cell."""
    result = ScreeningResult(path)
    try:
        data = read_bytes(path)
        result.sha256 = hashlib.sha256(data).hexdigest()
        image = decode_image(data)
    except ImageReadError as exc:
        result.error = str(exc)
        result.processed_at = utc_now()
        return result, None
    result.image_shape = image.shape[:2]
    return result, to_model_input(image, size)


def _classify(loaded: list, classifier: Classifier) -> Iterator[ScreeningResult]:
    """Score the good cells of a batch at once, then yield every result in input order."""
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
