"""The working day's slides cut to a set of steps, to tell which step keeps memory.

    python benchmarks/day_steps.py [--steps screen,review,...] [--slides 24]

In a child process of its own (offscreen, as ``working_day.py`` runs), each slide types its
facts and does only the steps given, in the day's order, then a new case. After each slide it
prints VmRSS, the RSS left once glibc hands back its free memory (``malloc_trim``: what stays
is held, not merely freed into the allocator's arenas), the Python objects the collector
tracks, and the Qt objects alive by type where their count grew since the first slide.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from day_slides import Day
from day_window import close_day_window, day_environment, open_day_window, proc_status, wait

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CELLS = ROOT.parent / "shared" / "data" / "cell_images"
STEPS = ("screen", "review", "full size", "gallery", "sign", "export")


def child(steps: list[str], slides: int, cells: Path) -> int:
    import shiboken6

    app, window = open_day_window()
    day = Day(window, Path(os.environ["DAY_WORK"]), cells, seed=1)
    acts = {"screen": lambda n: day.screen(day.slide_folder(n)),
            "review": lambda n: day.review_with_keys(day.rng.randint(3, 12)),
            "full size": lambda n: day.full_size(), "gallery": lambda n: day.look_at_gallery(),
            "sign": lambda n: day.sign(), "export": day.export}
    libc = ctypes.CDLL("libc.so.6")
    first: collections.Counter[str] | None = None
    for number in range(1, slides + 1):
        day.type_facts(number)
        for step in (step for step in STEPS if step in steps):
            acts[step](number)
            wait(lambda: True, step)
        day.new_case()
        wait(lambda: True, "new case")
        gc.collect()
        rss = proc_status("VmRSS") / 1024
        libc.malloc_trim(0)
        alive = collections.Counter(type(w).__name__ for w in shiboken6.getAllValidWrappers())
        first = first or alive
        grown = {name: count - first[name] for name, count in alive.items()
                 if count > first[name]}
        print(f"slide {number:3}: RSS {rss:6.1f} MB, after malloc_trim "
              f"{proc_status('VmRSS') / 1024:6.1f} MB, Python objects {len(gc.get_objects())},"
              f" Qt objects grown {grown or 'none'}", flush=True)
    close_day_window(app, window)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated, of: {', '.join(STEPS)}")
    parser.add_argument("--slides", type=int, default=24)
    parser.add_argument("--cells", type=Path, default=CELLS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        parser.error(f"unknown steps: {', '.join(unknown)}")
    if args.child:
        return child(steps, args.slides, args.cells)
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run(
            [sys.executable, __file__, "--child", "--steps", ",".join(steps),
             "--slides", str(args.slides), "--cells", str(args.cells)],
            env=day_environment(tmp), cwd=ROOT).returncode


if __name__ == "__main__":
    raise SystemExit(main())
