"""A big batch through the real window, offscreen, autosave on: time, memory and smoothness.

    python benchmarks/gui_big_batch.py [--cells 20000]

Generates the cells in a temporary folder (pink discs, some with dark dots), then runs the
window in a child process, so that the figures are the app's alone: wall time and cells/s of
the screening, peak RSS (goal < 600 MB), the longest the event loop was blocked, what sorting,
filtering and a threshold step cost the window, and what autosave costs (the register's size
on disk, time to read the case back, the window during reviews).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from app_window import close_unasked, run_child, run_when_model_ready

REVIEWS = 500


class Run:
    """Drives the window: screen the folder, review cells, then read the case back."""

    def __init__(self, window, folder: Path, data: Path) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.window, self.folder, self.data = window, folder, data
        self.figures: dict[str, float] = {}
        self.clock, self.last, self.gaps = QElapsedTimer(), 0, [0]
        self.ticker = QTimer()
        self.ticker.setInterval(20)
        self.ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def _watch(self) -> None:
        self.clock.start()
        self.last, self.gaps = 0, [0]
        self.ticker.start()

    def screen(self) -> None:
        self._watch()
        self.started = time.perf_counter()
        self.window.controller.screening_finished.connect(self._on_screened)
        self.window.open_paths([self.folder])

    def _on_screened(self, cells: int, complete: bool) -> None:
        from PySide6.QtCore import QTimer

        self.ticker.stop()
        self.figures.update(cells=cells, seconds=time.perf_counter() - self.started,
                            screen_gap_ms=max(self.gaps), complete=complete)
        QTimer.singleShot(0, self.review)

    def review(self) -> None:
        """Confirm cells one by one as fast as the keys allow; autosave keeps up behind."""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        window = self.window
        window.table.select_source_row(0)
        self._watch()
        started = time.perf_counter()
        for _ in range(REVIEWS):
            window.review_current("confirm")
            QApplication.processEvents()  # as between two key presses
        self.figures["review_ms"] = 1000 * (time.perf_counter() - started) / REVIEWS
        QTimer.singleShot(3_000, self.finish)  # the last autosave is about a second away

    def rearrange(self) -> None:
        """Time what a technician does to the list: each step blocks the window that long."""
        from PySide6.QtCore import Qt

        from malariascope.gui.results_proxy import Filter
        from malariascope.gui.results_table import CALL, PROB

        window, order = self.window, Qt.SortOrder.DescendingOrder
        steps = {
            "sort_by_p_ms": lambda: window.table.sortByColumn(PROB, order),
            "sort_by_call_ms": lambda: window.table.sortByColumn(CALL, order),
            "threshold_step_ms": lambda: window.batch.set_threshold(0.3),  # sorted by call
            "filter_ms": lambda: window.set_filter(Filter.UNCERTAIN),
            "filter_all_ms": lambda: window.set_filter(Filter.ALL),
            "file_order_ms": lambda: window.table.sortByColumn(-1, order),
        }
        for name, step in steps.items():
            started = time.perf_counter()
            step()
            self.figures[name] = 1000 * (time.perf_counter() - started)

    def finish(self) -> None:
        from malariascope.core.register import FILE_NAME, Register
        from malariascope.core.register.work import CaseWork

        self.ticker.stop()
        self.figures["review_gap_ms"] = max(self.gaps)
        self.rearrange()
        started = time.perf_counter()
        with Register(self.data) as register:  # as the next start reads the work left
            session = CaseWork(register).load()
        loaded = time.perf_counter()
        self.window.controller.restore(session)  # what Restore does, on the UI thread
        self.figures.update(
            load_seconds=loaded - started, restore_ms=1000 * (time.perf_counter() - loaded),
            saved_rows=len(session.results), saved_reviews=session.reviewed,
            register_mb=sum(p.stat().st_size for p in self.data.glob(f"{FILE_NAME}*")) / 2**20,
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(self.figures), flush=True)
        close_unasked(self.window)


def child(folder: Path, data: Path) -> int:
    """The app's side: a real window that screens ``folder`` once its model is ready."""
    return run_when_model_ready(lambda window: Run(window, folder, data).screen)


def report(figures: dict) -> None:
    cells, seconds = figures["cells"], figures["seconds"]
    print(f"screened {cells:,} cells in {seconds:.1f} s ({cells / seconds:.0f} cells/s), "
          f"complete: {figures['complete']}")
    print(f"peak RSS {figures['peak_mb']:.0f} MB (goal < 600 MB)")
    print(f"event loop blocked at most {figures['screen_gap_ms']:.0f} ms while screening, "
          f"{figures['review_gap_ms']:.0f} ms while reviewing "
          f"({figures['review_ms']:.1f} ms per review, {REVIEWS} reviews)")
    print("the list, ms each: " + ", ".join(
        f"{name[:-3].replace('_', ' ')} {figures[name]:.0f}" for name in (
            "sort_by_p_ms", "sort_by_call_ms", "threshold_step_ms", "filter_ms", "filter_all_ms",
            "file_order_ms")))
    print(f"autosave: {figures['saved_rows']:,} rows and {figures['saved_reviews']} reviews "
          f"in the register, {figures['register_mb']:.1f} MB with its WAL; read back in "
          f"{figures['load_seconds']:.2f} s (in a worker), shown again in "
          f"{figures['restore_ms']:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--child", nargs=2, type=Path, metavar=("FOLDER", "DATA"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    figures = run_child(__file__, args.cells)
    if figures is None:
        return 1
    report(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
