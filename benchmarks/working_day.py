"""A technician's working day in one window: slide after slide, and what the window holds after
each (memory, open files, threads, widgets, temporary files, the register's size) and how long
its UI thread was blocked.

    python benchmarks/working_day.py [--slides 60] [--seed 1] [--every 10]

In a child process of its own (offscreen, autosave on, settings, home and data in a temporary
folder), each slide is a folder of 150-400 symbolic links to the NIH cells of
``../shared/data/cell_images`` (or ``--cells``): its facts typed, screened, a few cells
reviewed with the keys, the gallery shown, signed, its PDF and CSV exported, and a new case
started. Now and then a screening is cancelled half-way, the threshold moved, a folder screened
again from Open recent, or a past case opened from the register, amended and signed again.
Prints a line per ``--every`` slides (and the first and last) and the growth over the day.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from day_slides import Day
from day_window import (
    STEP_TIMEOUT_S,
    close_day_window,
    day_environment,
    on_show,
    open_day_window,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CELLS = ROOT.parent / "shared" / "data" / "cell_images"


def child(slides: int, seed: int, cells: Path) -> int:
    import faulthandler

    app, window = open_day_window()
    day = Day(window, Path(os.environ["DAY_WORK"]), cells, seed)
    day.measure(0, 0)
    for number in range(1, slides + 1):
        began = time.perf_counter()
        faulthandler.dump_traceback_later(2 * STEP_TIMEOUT_S, exit=True)
        try:
            day.slide(number)
            error = ""
        except Exception as exc:  # noqa: BLE001 (told in the figures, the day goes on)
            error = f"{type(exc).__name__}: {exc}; {on_show(window)}"
        figures = day.measure(number, 1000 * (time.perf_counter() - began))
        day.blocks.clear()
        figures["error"] = error
        print(json.dumps(figures), flush=True)
        if error.startswith("TimeoutError"):
            break
    close_day_window(app, window)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--cells", type=Path, default=CELLS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.slides, args.seed, args.cells)
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", "--slides", str(args.slides),
             "--seed", str(args.seed), "--cells", str(args.cells)],
            env=day_environment(tmp), cwd=ROOT, stdout=subprocess.PIPE, text=True)
        rows = []
        for line in process.stdout:
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            rows.append(row)
            if row["slide"] in (1, args.slides) or row["slide"] % args.every == 0 or row["error"]:
                _print(row)
        process.wait()
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print("growth from slide 1 to", last["slide"], ":",
              ", ".join(f"{key} {last[key] - first[key]:+}" for key in (
                  "rss_mb", "fds", "threads", "widgets", "top_levels", "qobjects",
                  "tmp_files", "register_kb")))
    return process.returncode


def _print(row: dict) -> None:
    print(f"slide {row['slide']:3}: RSS {row['rss_mb']:7.1f} MB, fds {row['fds']:3}, threads "
          f"{row['threads']:3}, widgets {row['widgets']:5}, top-levels {row['top_levels']:3}, "
          f"QObjects {row['qobjects']:6}, workers {row['workers']}, tmp files "
          f"{row['tmp_files']}, exports {row['export_files']} (unfinished "
          f"{row['data_exports']}), register {row['register_kb']:,} kB"
          f", worst UI block {row['worst_block_ms']:.0f} ms ({row['worst_step']}), slide "
          f"{row['slide_s']} s" + (f"  ERROR {row['error']}" if row["error"] else ""))


if __name__ == "__main__":
    raise SystemExit(main())
