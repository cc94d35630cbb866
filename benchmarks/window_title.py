"""What the window's title costs the UI thread for a big batch: the title names only the
sources that hold rows of the case while nothing screens (``gui.window_title``).

    python benchmarks/window_title.py [--cells 20000] [--repeat 5]

Links the NIH cells under /work/shared/data/cell_images/train (or ``--cells-from``) into a
temporary folder, two subfolders as a slide's export has, and gives their rows to a real
window, offscreen, as a screening does (in chunks) and as a restore does (all at once), with
no model: the figures are the title's and the rows'. It times, with ``time.perf_counter``,
the title's update once the rows are in (as at a batch's end), the same update again (a fact
typed), and the rows appended (the table, the counts and the title's share of each chunk).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project, from a checkout

CELLS_FROM = Path("/work/shared/data/cell_images/train")
CHUNK = 64  # rows a screening appends at a time, about


def linked_cells(cells_from: Path, folder: Path, count: int) -> list[Path]:
    """``count`` links in ``folder``'s subfolders, one per class, to the cells under
    ``cells_from``, taken in turn (again from the first once all are used)."""
    classes = sorted(path for path in cells_from.iterdir() if path.is_dir())
    images = [sorted(kind.iterdir()) for kind in classes]
    links = []
    for number in range(count):
        kind = number % len(classes)
        image = images[kind][(number // len(classes)) % len(images[kind])]
        link = folder / classes[kind].name / f"{number:05d}-{image.name}"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(image)
        links.append(link)
    return links


def timed_ms(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return 1000 * (time.perf_counter() - started)


def one_run(window, folder: Path, links: list[Path]) -> dict[str, float]:
    """Give ``window`` the rows of ``links`` as a screening does, then as a restore does."""
    from malariascope.core.results import ScreeningResult

    batch = window.batch
    rows = [ScreeningResult(link, probability=0.1) for link in links]
    batch.clear(sources=(folder.name,), folder=folder.parent)
    chunks = [timed_ms(lambda start=start: batch.extend(rows[start:start + CHUNK]))
              for start in range(0, len(rows), CHUNK)]
    figures = {"chunk_max_ms": max(chunks), "chunks_ms": sum(chunks),
               "end_title_ms": timed_ms(window.set_batch_title),
               "again_title_ms": timed_ms(window.set_batch_title)}
    rows = [ScreeningResult(link, probability=0.1) for link in links]  # paths not yet parsed
    batch.clear(sources=(folder.name,), folder=folder.parent)
    figures["restore_rows_ms"] = timed_ms(lambda: batch.extend(rows))
    figures["restore_title_ms"] = timed_ms(window.set_batch_title)
    assert window.windowTitle() == f"MalariaScope — {folder.name}[*]", window.windowTitle()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cells-from", type=Path, default=CELLS_FROM)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(QT_QPA_PLATFORM="offscreen", HOME=tmp,
                          MALARIASCOPE_DATA_DIR=str(Path(tmp) / "data"),
                          XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        from malariascope.gui.app import create_app, show_window

        folder = Path(tmp) / "slide"
        links = linked_cells(args.cells_from, folder, args.cells)
        app = create_app()
        window = show_window(persist_settings=False)
        runs = [one_run(window, folder, links) for _ in range(args.repeat)]
        window.batch.clear()
        window.close()
        app.processEvents()
    print(f"{args.cells:,} rows, {args.repeat} runs, median (max) ms on the UI thread:")
    for name, words in (("end_title_ms", "title once the rows are in (a batch's end)"),
                        ("again_title_ms", "title again, rows unchanged (a fact typed)"),
                        ("chunk_max_ms", f"rows appended, the longest chunk of {CHUNK}"),
                        ("chunks_ms", f"rows appended, all chunks of {CHUNK}"),
                        ("restore_rows_ms", "rows appended at once (a restore)"),
                        ("restore_title_ms", "title after those (a restore)")):
        values = [run[name] for run in runs]
        print(f"  {words}: {statistics.median(values):.1f} ({max(values):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
