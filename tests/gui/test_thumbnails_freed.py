"""Thumbnails let go of a slide's cells once the next slide starts, however many decodes were
queued or running then: over a day, each new case used to leave a few cells (with their
Grad-CAM maps) held by the thumbnails' pool for good."""

from __future__ import annotations

import gc
import weakref

from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import screen
from malariascope.gui.thumbnails import ThumbnailCache

SLIDES = 10


def test_decodes_queued_or_running_at_a_new_slide_hold_none_of_its_cells(qtbot, cell_test_dir):
    cells = [path for label in ("parasitized", "uninfected")
             for path in sorted((cell_test_dir / label).glob("*.png"))[:30]]
    results = list(screen(cells, Classifier.open()))
    kept = list(map(weakref.ref, results))
    cache = ThumbnailCache(48)
    for _ in range(SLIDES):
        for row, result in enumerate(results):  # a screenful of rows painted
            cache.get(row, result)
        qtbot.wait(5)  # their decodes start, and some end
        cache.clear()  # the next slide, its rows' decodes queued or running
        qtbot.waitUntil(lambda: cache.active() == 0, timeout=60_000)
    del results, result
    assert cache.shutdown()
    gc.collect()
    assert sum(ref() is not None for ref in kept) == 0
