"""Render the main window with a real batch to PNGs for the docs: ``docs/window-WxH.png``.

Copies a few dozen NIH test cells (in their class folders) and one IML-Malaria whole field from
``../shared/data`` beside the project into a temporary folder, opens that folder as a
technician would, reviews a few cells, selects a cell and saves ``window.grab()`` at each size
asked; with ``--gallery``, the cells as a gallery with the three most suspect selected
(``docs/gallery-WxH.png``). Run it under Xvfb to get the platform's own style (offscreen
without a display)::

    xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py --size 1024x768 \\
        --size 1600x1000 [--cells 40] [--select field|cell] [--gallery]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CELLS = DATA / "cell_images" / "test"
FIELD = DATA / "fields" / "PA171702.JPG"


def make_sample(folder: Path, count: int) -> Path:
    """``count`` cells of the test split, half of each class, and one whole field."""
    for label in ("parasitized", "uninfected"):
        files = sorted((CELLS / label).glob("*.png"))
        if not files or not FIELD.is_file():
            raise SystemExit(f"no test cells in {CELLS} or no field {FIELD}")
        (folder / label).mkdir(parents=True)
        for i in range(count // 2):
            shutil.copy(files[(i * 37) % len(files)], folder / label)
    (folder / "fields").mkdir()
    shutil.copy(FIELD, folder / "fields")
    return folder


def wait_for(app, condition, seconds: float = 120.0) -> None:
    """Process events until ``condition()`` holds (or fail after ``seconds``)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(int(seconds * 1000))
    while not condition():
        if deadline.hasExpired():
            raise SystemExit(f"timed out waiting for the window: {condition}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def stage(window, app, select: str) -> None:
    """Sample facts, a few reviews, and a parasitized call (or a field cell) selected."""
    batch = window.batch
    batch.set_sample_id("SMEAR-2024-117")
    batch.set_operator("A. Mensah")
    for row in range(1, 7):
        if row % 3:
            batch.confirm(row)
        else:
            batch.set_review(row, "uninfected" if batch.call(row) == "parasitized"
                             else "parasitized")
    ok = [row for row, r in enumerate(batch.results) if r.ok]
    if select == "field":
        rows = [row for row in ok if batch.results[row].in_field]
    else:
        rows = [row for row in ok if batch.results[row].path.parent.name == "parasitized"][:12]
    row = max(rows, key=lambda r: batch.results[r].probability)
    window.table.select_source_row(row)
    window.detail.overlay_box.setChecked(True)
    window.detail.opacity.setValue(45)
    cache = window.table_model.thumbnails
    wait_for(app, lambda: not window.detail.canvas.image().isNull() and not cache._pending
             and (select != "field" or not window.field_view.image().isNull()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", action="append", default=[],
                        help="WIDTHxHEIGHT, may be repeated (default 1024x768)")
    parser.add_argument("--cells", type=int, default=40)
    parser.add_argument("--select", choices=("field", "cell"), default="field")
    parser.add_argument("--gallery", action="store_true", help="show the gallery of cells")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # leave the user's settings alone
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    os.environ["MALARIASCOPE_DATA_DIR"] = tempfile.mkdtemp()  # nor their autosaved work
    from malariascope.gui.app import create_app
    from malariascope.gui.main_window import MainWindow

    app = create_app()
    window = MainWindow(persist_settings=False)
    window.resize(1024, 768)
    window.show()
    window.start()
    wait_for(app, lambda: window.controller.classifier is not None)
    with tempfile.TemporaryDirectory() as tmp:
        window.open_paths([make_sample(Path(tmp) / "SMEAR-2024-117", args.cells)])
        wait_for(app, lambda: not window.controller.screening)
        stage(window, app, args.select)
        if args.gallery:
            window.actions.gallery.setChecked(True)
            window.gallery.select_source_rows([window.proxy.source_row(at) for at in range(3)])
        args.out.mkdir(parents=True, exist_ok=True)
        for size in args.size or ["1024x768"]:
            width, height = (int(n) for n in size.split("x"))
            window.resize(width, height)
            wait_for(app, lambda w=width, h=height: window.size().toTuple() == (w, h), 10)
            window.table.scrollTo(window.table.currentIndex(),
                                  window.table.ScrollHint.PositionAtCenter)
            window.gallery.scrollToTop()
            window.grab()  # paints the rows in view, which asks for their thumbnails
            wait_for(app, lambda: not window.table_model.thumbnails._pending
                     and not window.gallery.thumbnails._pending)
            out = args.out / f"{'gallery' if args.gallery else 'window'}-{width}x{height}.png"
            if not window.grab().save(str(out)):
                raise SystemExit(f"could not write {out}")
            print(f"wrote {out}")
        window.batch.unsaved = False  # the staged reviews are for the picture: no question
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
