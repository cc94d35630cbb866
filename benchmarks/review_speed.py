"""Reviewing every suspect of the 30 shared fields, gallery vs table, in the real window.

    python benchmarks/review_speed.py [FIELDS] [--sizes 1280x800,1920x1080] [--cells 20000]

Screens the fields offscreen, then reviews the review queue (suspects: called parasitized or
uncertain) twice per window size, driving the window with real key and mouse events:

- table: one key per cell (P, U or Space); the list moves on by itself.
- gallery: per screenful, a drag over the tiles in view, a Ctrl+click off each cell the
  reviewer calls otherwise than most, the key for the rest; then the cells set aside, now
  first in the queue, are dragged over (or clicked) and get their key.

The reviewer's call is the annotation's where the cell pairs with an annotated box (IoU 0.5),
else the model's. Prints actions (keys, clicks, drags) and screens for each way (a screen: the
cells in full view at once), then scrolls a gallery of ``--cells`` cells (the fields' cells
repeated) and prints the longest event-loop block. Goals: at least 5x fewer screens with the
gallery; no block of 50 ms or more.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "data" / "fields"
TICK_MS = 5  # the event-loop watch: a gap above this is time the loop could not run
SETTLE_MS = 2_000  # before scrolling, for the window to take in the 20,000 cells


def reviewer_calls(batch, folder: Path) -> dict[int, str]:
    """Row -> the call a reviewer makes: the annotation's where the cell pairs with an
    annotated, not difficult box; the model's otherwise."""
    from malariascope.core.fields.annotations import load_annotations
    from malariascope.core.fields.boxes import mutual_best_pairs

    annotations = load_annotations(folder / "annotations.json")
    calls = {row: batch.call(row) for row in range(len(batch)) if batch.results[row].ok}
    for path in {batch.results[row].path for row in calls}:
        rows = [row for row in batch.field_rows(path) if batch.results[row].box]
        cells = annotations.get(path.name, [])
        pairs = mutual_best_pairs([batch.results[r].box for r in rows], [c.box for c in cells])
        for i, j in pairs:
            if not cells[j].difficult:
                calls[rows[i]] = "parasitized" if cells[j].parasitized else "uninfected"
    return calls


class Reviewer:
    """Drives one window through its review queue, counting what a technician would do."""

    def __init__(self, app, window, calls: dict[int, str]) -> None:
        self.app, self.window, self.calls = app, window, calls
        self.actions = 0

    def key(self, widget, call: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(widget, Qt.Key.Key_P if call == "parasitized" else Qt.Key.Key_U)
        self.actions += 1
        self.app.processEvents()

    def table(self) -> tuple[int, int]:
        """Actions and screens to review the queue in the table."""
        from malariascope.gui.results_proxy import Filter

        window = self.window
        window.actions.gallery.setChecked(False)
        window.lists.sort_by_probability()
        window.set_filter(Filter.TO_REVIEW)
        table, cells = window.table, window.proxy.rowCount()
        window.table.select_first_if_none()
        per_screen = table.viewport().height() // table.rowHeight(0)
        while window.proxy.rowCount():
            self.key(table, self.calls[table.current_source_row()])
        return self.actions, math.ceil(cells / per_screen)

    def gallery(self) -> tuple[int, int]:
        """Actions and screens to review the queue in the gallery."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        window, gallery = self.window, self.window.gallery
        QTest.keyClick(window.lists.focusProxy(), Qt.Key.Key_Q)
        self.app.processEvents()
        screens = 0
        while window.proxy.rowCount():
            screens += 1
            shown = self.in_full_view()
            calls = [self.calls[row] for row in shown]
            most = max(set(calls), key=calls.count)
            aside = [at for at, call in enumerate(calls) if call != most]
            self.drag(0, len(shown) - 1)
            for at in aside:
                self.click(at, Qt.KeyboardModifier.ControlModifier)
            self.key(gallery, most)
            if aside:  # the cells set aside now lead the queue
                self.drag(0, len(aside) - 1)
                self.key(gallery, "uninfected" if most == "parasitized" else "parasitized")
        return self.actions, screens

    def in_full_view(self) -> list[int]:
        gallery = self.window.gallery
        area = gallery.viewport().rect()
        return [at for at in range(self.window.proxy.rowCount())
                if area.contains(gallery.visualRect(self.window.proxy.index(at, 0)))][:400]

    def click(self, at: int, modifier) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        gallery = self.window.gallery
        centre = gallery.visualRect(self.window.proxy.index(at, 0)).center()
        QTest.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, modifier, centre)
        self.actions += 1

    def drag(self, first: int, last: int) -> None:
        """Select the tiles from ``first`` to ``last`` (view order) with one drag."""
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtTest import QTest

        gallery, proxy = self.window.gallery, self.window.proxy
        if first == last:
            self.click(first, Qt.KeyboardModifier.NoModifier)
            return
        start = gallery.visualRect(proxy.index(first, 0)).center()
        end = QPoint(gallery.viewport().width() - 2,
                     gallery.visualRect(proxy.index(last, 0)).center().y())
        viewport = gallery.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         start)
        QTest.mouseMove(viewport, end)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           end)
        self.actions += 1


def scroll_block(app, window, cells: int) -> tuple[float, float, float, int]:
    """The longest and the 99th-percentile event-loop gap (ms) while a gallery of ``cells``
    cells is scrolled through page by page, then row by row; the most CPU time the UI thread
    spent in one gap (what the app costs, without the waits a loaded machine adds); and how
    many thumbnails arrived meanwhile."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from malariascope.gui.results_proxy import Filter

    batch = window.batch
    results = [result for result in batch.results if result.ok]
    batch.clear(batch.facts.sources)
    batch.extend((results * (cells // len(results) + 1))[:cells])
    window.actions.gallery.setChecked(True)
    window.lists.sort_by_probability()
    window.set_filter(Filter.ALL)
    gallery, arrived = window.gallery, []
    gallery.thumbnails.ready.connect(arrived.append)
    bar = gallery.verticalScrollBar()
    clock, gaps, work, last = QElapsedTimer(), [], [], [0, time.thread_time()]
    ticker, mover, loop = QTimer(), QTimer(), QEventLoop()

    def tick() -> None:
        now, cpu = clock.elapsed(), time.thread_time()
        gaps.append(now - last[0])
        work.append(1000 * (cpu - last[1]))
        last[:] = [now, cpu]

    steps = [bar.pageStep()] * (bar.maximum() // bar.pageStep() + 1)
    steps += [-3 * bar.singleStep()] * 300

    def move() -> None:
        if not steps:
            loop.quit()
            return
        bar.setValue(bar.value() + steps.pop(0))

    ticker.timeout.connect(tick)
    mover.timeout.connect(move)
    def begin() -> None:
        clock.start()
        last[:] = [0, time.thread_time()]
        ticker.start(TICK_MS)
        mover.start(16)

    QTimer.singleShot(SETTLE_MS, begin)  # the new batch laid out and painted first
    loop.exec()
    ticker.stop()
    mover.stop()
    return max(gaps), sorted(gaps)[len(gaps) * 99 // 100], max(work), len(arrived)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sizes", default="1280x800,1920x1080")
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--thumbs", default="96,64", help="gallery thumbnail sizes, px")
    args = parser.parse_args()
    if not (args.folder / "annotations.json").is_file():
        print(f"no annotated fields at {args.folder}", file=sys.stderr)
        return 2
    from PySide6.QtCore import QEventLoop, QThreadPool
    from PySide6.QtWidgets import QApplication

    from malariascope.gui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(persist_settings=False)
    window.show()
    loop = QEventLoop()
    window.controller.model_ready.connect(loop.quit)
    window.start()
    loop.exec()
    window.set_screen_mode("field")
    window.controller.screening_finished.connect(lambda *_: loop.quit())
    started = time.perf_counter()
    window.open_paths([args.folder])
    loop.exec()
    batch = window.batch
    calls = reviewer_calls(batch, args.folder)
    suspects = batch.counts.unreviewed_flagged
    print(f"{len(batch)} cells in {len({r.path for r in batch.results})} fields screened in "
          f"{time.perf_counter() - started:.0f} s; {suspects} suspects to review\n")
    print(f"{'window':>10} {'way':>12} {'actions':>8} {'screens':>8} {'fewer screens':>14}")
    for size in args.sizes.split(","):
        window.resize(*(int(v) for v in size.split("x")))
        app.processEvents()
        table = review(app, window, calls, "table")
        print(f"{size:>10} {'table':>12} {table[0]:>8} {table[1]:>8}")
        for thumb in (int(v) for v in args.thumbs.split(",")):
            window.gallery.set_thumb_size(thumb)
            gallery = review(app, window, calls, "gallery")
            print(f"{size:>10} {f'gallery {thumb}px':>12} {gallery[0]:>8} {gallery[1]:>8} "
                  f"{table[1] / gallery[1]:>13.1f}x")
        window.gallery.set_thumb_size(96)
    print("(goal: 5x fewer screens with the gallery)\n")
    load = os.getloadavg()[0]
    block, p99, work, arrived = scroll_block(app, window, args.cells)
    print(f"scrolling a gallery of {args.cells:,} cells (load average {load:.1f} on "
          f"{os.cpu_count()} cores): longest event-loop block {block} ms (goal < 50 ms), "
          f"99 % of blocks <= {p99} ms; most UI-thread CPU in one block {work:.0f} ms; "
          f"{arrived:,} thumbnails decoded meanwhile")
    window.batch.unsaved = False
    window.close()
    QThreadPool.globalInstance().waitForDone()
    return 0


def review(app, window, calls: dict[int, str], way: str) -> tuple[int, int]:
    """Review the queue the ``way`` named, then take every review back."""
    actions, screens = getattr(Reviewer(app, window, calls), way)()
    batch = window.batch
    assert batch.counts.unreviewed_flagged == 0, "suspects left unreviewed"
    batch.set_reviews(dict.fromkeys(range(len(batch))))
    return actions, screens


if __name__ == "__main__":
    sys.exit(main())
