"""A lab's case register after a year: 25,000 cases (``--cases``) of 300 real cells each
(``--cells``), built through the register's own saves, then timed as the lab uses it.

Each case saves the real pipeline's results for real NIH cells (screened once, reused), with
review decisions for 0 to 60 of its cells (30 on average); nine in ten are signed, one in
thirty of those amended and signed again, the rest left open. The figures (open, list,
search, load, take, autosave's start, the window's register dialog and the adaptation's
picker of signed cases, ``cases list``, the CSV export, peak RSS) are each measured in a
process of their own, on the register built. ``--register FOLDER`` keeps the register there
(built when missing) for a later run to measure again.

    python benchmarks/register_year.py [--cases 25000] [--cells 300] [--register FOLDER]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the project, from a checkout
NIH_TEST = ROOT.parent / "shared" / "data" / "cell_images" / "test"
AT = "2026-03-04T10:11:12+00:00"
BATCH = 500  # cases saved between progress lines
REVIEWS = 61  # a case has (its number modulo this) review decisions
SEARCHED = "P-01234"  # a patient of a few cases, typed in the dialog as a technician would


def real_cells(number: int) -> list:
    """The real pipeline's results for ``number`` NIH test cells, half of each class."""
    from malariascope.core.classifier import Classifier
    from malariascope.core.pipeline import screen

    paths = [path for name in ("parasitized", "uninfected")
             for path in sorted((NIH_TEST / name).glob("*.png"))[:number // 2 + 1]][:number]
    if len(paths) < number:
        raise SystemExit(f"{number} cells wanted, {len(paths)} found in {NIH_TEST}")
    return list(screen(paths, Classifier.open()))


def build(folder: Path, cases: int, cells: int) -> None:
    """``cases`` cases in a new register in ``folder``, saved as the window saves them."""
    from malariascope.core.case import Case, CaseFacts, ReviewDecision
    from malariascope.core.classifier import Classifier
    from malariascope.core.register import Register
    from malariascope.core.tally import Counts, Verdict

    classifier = Classifier.open()
    results = real_cells(cells)
    calls = [classifier.rule.call(result.probability, result.in_field) for result in results]
    counts = Counts()
    for call in calls:
        counts.add(Verdict(call, model_call=call))
    first_day, start = dt.date(2025, 3, 1), time.perf_counter()
    with Register(folder) as register:
        # a benchmark's own build: the lab's commits wait for the disk, these need not
        register._db.execute("PRAGMA synchronous = OFF")
        for number in range(cases):
            day = first_day + dt.timedelta(days=number * 365 // cases)
            facts = CaseFacts(sample_id=f"S-{number:06d}", patient_id=f"P-{number % 20_000:05d}",
                              operator=("Ann", "Bo", "Chidi")[number % 3],
                              collected_on=day.isoformat(), lab="Central Lab")
            case = Case(facts, classifier.model_name, classifier.backend.model_sha256,
                        classifier.rule, (f"slide-{number}",),
                        created_at=f"{day.isoformat()}T09:00:00+00:00")
            reviews = [ReviewDecision(row, case.facts.operator, AT, calls[row], "uninfected",
                                      "uninfected")
                       for row in range(min(number % REVIEWS, cells))]
            register.save(case, case.result(counts), cells=results, first_row=0,
                          reviews=reviews, screening_complete=True, files_found=cells)
            if number % 10:
                case.sign("Ann Lee", counts, at=AT)
                register.save(case)
                if number % 30 == 1:
                    case.amend("wrong patient id", "Bo", at=AT, decisions=len(reviews))
                    case.update(patient_id=f"P-{(number + 1) % 20_000:05d}")
                    register.save(case)
                    case.sign("Bo Ek", counts, at=AT)
                    register.save(case)
            if (number + 1) % BATCH == 0:
                rate = (number + 1) / (time.perf_counter() - start)
                print(f"  {number + 1:,} cases saved, {rate:.0f} a second", flush=True)


def timed(what: str, call, figures: dict) -> object:
    start = time.perf_counter()
    answer = call()
    figures[what] = round(time.perf_counter() - start, 3)
    return answer


def core_child(folder: Path) -> dict:
    """Open (the first open of a register of an older schema brings it up to date), the
    list's first page, the whole list, searches, load, take and autosave's start, each
    timed once."""
    from malariascope.core.register import CaseQuery, Register
    from malariascope.core.register.opening import open_work

    figures: dict = {}
    timed("open", lambda: Register(folder), figures).close()  # brought up to date once
    register = timed("open again", lambda: Register(folder), figures)
    timed("page()", register.page, figures)
    listed = timed("cases()", register.cases, figures)
    figures["listed"] = len(listed)
    found = timed("cases(patient)", lambda: register.cases(CaseQuery(patient=SEARCHED)),
                  figures)
    figures["found"] = len(found)
    timed("cases(slide)", lambda: register.cases(CaseQuery(sample="S-012345")), figures)
    stored = timed("load", lambda: register.load(listed[len(listed) // 2].uid), figures)
    timed("check_take", lambda: register.check_take(stored), figures)
    register.close()
    opened = timed("open_work", lambda: open_work(folder), figures)
    opened.work.register.close()
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return figures


def window_child(folder: Path) -> dict:
    """The window's autosave start, then its register dialog until its table shows rows, a
    patient typed in it, and the adaptation's picker of signed cases until it lists them; the
    longest the event loop went without turning meanwhile."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from malariascope.core.datadir import data_dir
    from malariascope.gui.adapt_cases import SignedCasesDialog
    from malariascope.gui.app import create_app, show_window
    from malariascope.gui.register_window import show_register

    app = create_app()
    window = show_window(persist_settings=False)
    figures: dict = {}
    clock, beat, gaps = QElapsedTimer(), QElapsedTimer(), [0]
    ticker = QTimer(interval=5)

    def tick() -> None:
        gaps[0] = max(gaps[0], beat.restart())

    ticker.timeout.connect(tick)

    def mark(what: str) -> None:
        figures[what] = round(clock.elapsed() / 1000, 3)
        figures[f"{what} stall"] = round(gaps[0] / 1000, 3)

    def opened() -> None:
        mark("autosave start")
        clock.restart()
        gaps[0] = 0
        dialog = show_register(window)
        dialog.listed.connect(lambda _: shown(dialog))

    def shown(dialog) -> None:
        QApplication.processEvents()  # the rows painted
        if "dialog rows" not in figures:
            mark("dialog rows")
            figures["rows"] = dialog.table.model().rowCount()
            figures["note"] = dialog.note.text()
            clock.restart()
            gaps[0] = 0
            dialog.patient.setText(SEARCHED)  # the search runs as typing pauses
            return
        mark("dialog search")
        figures["found rows"] = dialog.table.model().rowCount()
        dialog.reject()
        clock.restart()
        gaps[0] = 0
        picker = SignedCasesDialog(data_dir(), window.controller.workers, window)
        picker.listed.connect(lambda count: picked(picker, count))
        picker.show()
        picker.load()

    def picked(picker, count: int) -> None:
        QApplication.processEvents()
        mark("adapt picker rows")
        figures["signed rows"] = count
        picker.reject()
        window.autosave.close()
        app.quit()

    beat.start()
    ticker.start()
    clock.start()
    window.autosave.resume(then=opened)
    app.exec()
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return figures


def cli_child(folder: Path) -> dict:
    """``malariascope cases list`` and ``cases export``, as a script runs them."""
    figures: dict = {}
    env = dict(os.environ, MALARIASCOPE_DATA_DIR=str(folder))
    for what, action in (("cases list", ["list"]),
                         ("cases export", ["export", str(folder.parent / "cases.csv"),
                                           "--overwrite"])):
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "malariascope", "cases", *action],
                                 env=env, cwd=ROOT, stdout=subprocess.PIPE)
        lines = child.stdout.read().count(b"\n")
        usage = os.wait4(child.pid, 0)[2]
        figures[what] = round(time.perf_counter() - start, 3)
        figures[f"{what} peak_mb"] = usage.ru_maxrss // 1024
        if what == "cases list":
            figures["lines"] = lines
    return figures


def in_child(kind: str, folder: Path) -> dict:
    """The figures of ``kind``'s child, run in a process of its own on ``folder``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MALARIASCOPE_DATA_DIR=str(folder),
               HOME=str(folder.parent), XDG_CONFIG_HOME=str(folder.parent / "config"))
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode or not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=25_000)
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--register", type=Path, help="keep the register in this folder")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, folder = args.child
        figures = {"core": core_child, "window": window_child, "cli": cli_child}[kind](
            Path(folder))
        print(json.dumps(figures))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.register or Path(tmp) / "data"
        if not folder.exists():
            start = time.perf_counter()
            build(folder, args.cases, args.cells)
            print(f"built {args.cases:,} cases of {args.cells} cells in "
                  f"{time.perf_counter() - start:.0f} s")
        measured = Path(tmp) / "measured" / "data"  # a copy: opening may migrate it
        shutil.copytree(folder, measured)
        size = sum(path.stat().st_size for path in measured.iterdir())
        print(f"register: {size / 1e6:,.0f} MB")
        for kind in ("core", "window", "cli"):
            print(f"{kind}: {json.dumps(in_child(kind, measured))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
