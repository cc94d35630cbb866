"""Render the main window with a real batch to a PNG (for the README): ``docs/screenshot.png``.

Screens a few dozen NIH test cells from ``../shared/data`` beside the project, reviews a few,
selects a parasitized cell with its Grad-CAM overlay, and saves ``window.grab()``. Runs
offscreen by default; under Xvfb or a desktop it renders with the platform's own style.

    python scripts/screenshot.py [--out docs/screenshot.png] [--cells 40]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "cell_images" / "test"


def pick_cells(count: int) -> list[Path]:
    """``count`` cells, parasitized and uninfected alternating, spread over the test split."""
    per_class = {label: sorted((DATA / label).glob("*.png")) for label in
                 ("parasitized", "uninfected")}
    if not all(per_class.values()):
        raise SystemExit(f"no test cells in {DATA}")
    picked = []
    for i in range(count // 2):
        for files in per_class.values():
            picked.append(files[(i * 37) % len(files)])
    return picked


def wait_for(app, condition, seconds: float = 60.0) -> None:
    """Process events until ``condition()`` holds (or fail after ``seconds``)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(int(seconds * 1000))
    while not condition():
        if deadline.hasExpired():
            raise SystemExit("timed out waiting for the window")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def stage(window, app) -> None:
    """Sample facts, a few reviews, and a confident parasitized call selected."""
    batch = window.batch
    batch.set_sample_id("SMEAR-2024-117")
    batch.set_operator("A. Mensah")
    for row in range(1, 7):
        if row % 3:
            batch.confirm(row)
        else:
            batch.set_review(row, "uninfected" if batch.call(row) == "parasitized"
                             else "parasitized")
    parasitized = [row for row, r in enumerate(batch.results[:12])
                   if r.ok and "parasitized" in r.path.parent.name]
    row = max(parasitized, key=lambda r: batch.results[r].probability)
    window.table.select_source_row(row)
    window.table.scrollToTop()  # the reviewed rows stay in view
    window.detail.overlay_box.setChecked(True)
    window.detail.opacity.setValue(45)
    cache = window.table_model.thumbnails
    wait_for(app, lambda: not window.detail.canvas.image().isNull() and not cache._pending)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--cells", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # leave the user's settings alone
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from malariascope.gui.app import create_app
    from malariascope.gui.main_window import MainWindow

    app = create_app()
    window = MainWindow(persist_settings=False)
    window.resize(1280, 800)
    window.show()
    window.start()
    wait_for(app, lambda: window.controller.classifier is not None)
    window.open_paths(pick_cells(args.cells))
    wait_for(app, lambda: len(window.batch) == args.cells and not window.controller.screening)
    stage(window, app)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(args.out)):
        raise SystemExit(f"could not write {args.out}")
    print(f"wrote {args.out}")
    window.batch.unsaved = False  # the staged reviews are for the picture: no question
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
