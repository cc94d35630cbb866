"""The real app in a child process, killed by the system while it exports a report.

``python -m tests.gui.export_child FOLDER REPORT`` starts MalariaScope as ``malariascope gui
FOLDER`` does and, once the folder is screened, exports the CSV report over ``REPORT`` as
File > Export does, or the PDF report when ``REPORT`` ends in ``.pdf``;
``python -m tests.gui.export_child classify ARGS...`` runs ``malariascope classify ARGS``
(its ``--csv`` the report), and ``... cases export OUT`` runs ``malariascope cases export
OUT``. The first row of the CSV report, or the bytes of the PDF or of the cases' CSV, kill
the process as they are written (SIGKILL: no handler runs), so its temporary file, its locks
and the record of the export are left as a power cut leaves them.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def killed(*_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def killed_as_written(report: str, rows: bool) -> None:
    """Kill this process as the first of the ``rows`` of the CSV ``report`` is written, or
    else its bytes (the record of the export is written before either)."""
    from malariascope.core import atomic
    from malariascope.core.report import ReportWriter

    if not rows:
        write_synced = atomic.write_synced
        atomic.write_synced = lambda path, *more, **named: (
            killed() if Path(path).name.startswith(f".{Path(report).name}.")
            else write_synced(path, *more, **named))
    else:
        ReportWriter.add = killed


def main(folder: str, report: str) -> int:
    from malariascope.gui.app import create_app, show_window, start

    app = create_app()
    window = show_window()
    killed_as_written(report, rows=not report.endswith(".pdf"))
    if report.endswith(".pdf"):
        export = lambda *_: window.case_flow.reports.export_pdf(report)  # noqa: E731
    else:
        export = lambda *_: window.export_to(report, overwrite=True)  # noqa: E731
    window.controller.screening_finished.connect(export)
    start(window, [folder])
    return app.exec()


def command(args: list[str]) -> int:
    """``malariascope ARGS``, killed as the first row of its ``--csv`` report is written, or
    the bytes of the CSV of ``cases export``."""
    from malariascope.__main__ import main as malariascope

    if args[0] == "classify":
        killed_as_written(args[args.index("--csv") + 1], rows=True)
    else:
        killed_as_written(args[2], rows=False)
    return malariascope(args)


if __name__ == "__main__":
    if sys.argv[1] in ("classify", "cases"):
        raise SystemExit(command(sys.argv[1:]))
    raise SystemExit(main(*sys.argv[1:3]))
