"""How long the window takes to stop a big batch after Cancel (the goal: within a second).

    python benchmarks/gui_cancel.py [--cells 4000] [--after 300] [--runs 3]

Generates the cells in a temporary folder, then, in a child process per run, screens them in
the real window (offscreen, autosave on) and clicks Cancel once ``--after`` cells are listed;
prints the time from the click to the screening's end (its worker returned, its pipeline shut)
and the cells kept.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from app_window import close_unasked, run_child, run_when_model_ready

POLL_MS = 5


class CancelRun:
    """Screens the folder and clicks Cancel as soon as ``after`` cells are in the list."""

    def __init__(self, window, folder: Path, after: int) -> None:
        from PySide6.QtCore import QTimer

        self.window, self.folder, self.after = window, folder, after
        self.clicked: float | None = None  # when Cancel was clicked
        self.poll = QTimer()
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._cancel_when_listed)

    def screen(self) -> None:
        self.window.controller.screening_finished.connect(self._on_finished)
        self.poll.start()
        self.window.open_paths([self.folder])

    def _cancel_when_listed(self) -> None:
        if len(self.window.batch) >= self.after:
            self.poll.stop()
            self.clicked = time.perf_counter()
            self.window.status.task_status.cancel_button.click()

    def _on_finished(self, cells: int, complete: bool) -> None:
        self.poll.stop()
        stopped_ms = None if self.clicked is None else 1000 * (time.perf_counter() - self.clicked)
        print(json.dumps({"stopped_ms": stopped_ms, "cells": cells, "complete": complete}),
              flush=True)
        close_unasked(self.window)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=4_000)
    parser.add_argument("--after", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, type=Path, metavar=("FOLDER", "DATA"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_when_model_ready(lambda window: CancelRun(window, args.child[0],
                                                             args.after).screen)
    for run in range(1, args.runs + 1):
        figures = run_child(__file__, args.cells, "--after", str(args.after))
        if figures is None:
            return 1
        if figures["stopped_ms"] is None:
            print(f"run {run}: the batch ended before {args.after:,} cells were listed; "
                  "not cancelled")
            continue
        print(f"run {run}: stopped {figures['stopped_ms']:.0f} ms after Cancel (goal 1,000 ms), "
              f"{figures['cells']:,} of {args.cells:,} cells kept, "
              f"complete: {figures['complete']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
