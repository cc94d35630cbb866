"""Twenty whole fields added one by one to an open case in the real window: is it smooth?

    python benchmarks/case_fields.py [--fields 20] [--together]

Runs the window offscreen in a child process (autosave on), types the case's facts, opens
a first field (the case is open, the window's first-use imports are done), then adds the
next shared IML-Malaria fields (``../shared/data/fields``) one file per Open, all at once
as a technician clicking through them, so each waits its turn behind the one screening.
Prints the longest the event loop was blocked (goal: about 0.13 s at most), the time to
screen them all, the cells counted against the target, and what writing the case's PDF
costs. ``--together`` opens them all in one Open instead, for comparison.
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

from app_window import run_when_model_ready

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIELDS = ROOT.parent / "shared" / "data" / "fields"
GOAL_MS = 130
TOGETHER = os.environ.get("CASE_FIELDS_TOGETHER") == "1"


class Run:
    """Adds the fields, then writes the PDF, watching the event loop all along."""

    def __init__(self, window, fields: list[Path], out: Path) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.window, self.fields, self.out = window, fields, out
        self.clock, self.last, self.gaps = QElapsedTimer(), 0, [0]
        self.ticker = QTimer()
        self.ticker.setInterval(10)
        self.ticker.timeout.connect(self._tick)
        self.figures: dict[str, float] = {}

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def open_case(self) -> None:
        window = self.window
        window.case.update(sample_id="BENCH-1", patient_id="P-1", operator="Bench")
        window.controller.screening_finished.connect(self.add_fields)
        window.open_paths(self.fields[:1])

    def add_fields(self) -> None:
        window = self.window
        window.controller.screening_finished.disconnect(self.add_fields)
        self.clock.start()
        self.ticker.start()
        self.started = time.perf_counter()
        window.controller.screening_finished.connect(self._on_screened)
        added = self.fields[1:]
        for paths in ([added] if TOGETHER else [[field] for field in added]):
            window.open_paths(paths)
        self.figures["open_ms"] = 1000 * (time.perf_counter() - self.started)

    def _on_screened(self, rows: int, complete: bool) -> None:
        if self.window.controller.screening:
            return  # the first field, or one of a few more (a ``screening_finished`` each)
        result = self.window.case.result()
        self.figures.update(seconds=time.perf_counter() - self.started, complete=complete,
                            cells=result.cells_counted, target=result.target_cells,
                            add_gap_ms=max(self.gaps))
        self.gaps = [0]
        self.pdf_started = time.perf_counter()
        self.window.case_flow.reports.written.connect(self._on_written)
        self.window.case_flow.reports.export_pdf(self.out)

    def _on_written(self, path: str) -> None:
        self.ticker.stop()
        self.figures.update(pdf_seconds=time.perf_counter() - self.pdf_started,
                            pdf_gap_ms=max(self.gaps), pdf_kb=Path(path).stat().st_size / 1024)
        print(json.dumps(self.figures), flush=True)
        self.window.batch.unsaved = False
        self.window.case_flow.new_case(ask=False)  # nothing left for the next start
        self.window.close()


def child(fields: list[Path], out: Path) -> int:
    return run_when_model_ready(lambda window: Run(window, fields, out).open_case)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fields", type=int, default=20)
    parser.add_argument("--together", action="store_true", help="all fields in one Open")
    parser.add_argument("--child", nargs="+", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[1:], args.child[0])
    fields = sorted(FIELDS.glob("*.JPG"))[:args.fields + 1]
    if len(fields) <= args.fields:
        print(f"skipped: {args.fields + 1} fields needed in {FIELDS}, found {len(fields)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MALARIASCOPE_DATA_DIR=tmp,
                   CASE_FIELDS_TOGETHER=str(int(args.together)),
                   HOME=tmp, XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        done = subprocess.run([sys.executable, __file__, "--child", str(Path(tmp) / "case.pdf"),
                               *map(str, fields)], env=env, cwd=ROOT, capture_output=True,
                              text=True)
    if done.returncode or not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return done.returncode or 1
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    how = "all in one Open" if args.together else "one Open each"
    print(f"added {len(fields) - 1} fields ({how}, {figures['open_ms']:.0f} ms for the opens): "
          f"{figures['cells']:,} cells counted of a target of {figures['target']:,} "
          f"in {figures['seconds']:.1f} s, complete: {figures['complete']}")
    print(f"event loop blocked at most {figures['add_gap_ms']:.0f} ms while adding "
          f"(goal about {GOAL_MS} ms), {figures['pdf_gap_ms']:.0f} ms while the PDF was "
          f"written ({figures['pdf_seconds']:.1f} s, {figures['pdf_kb']:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
