"""The real app in a child process, killed by the system while it exports a report.

``python -m tests.gui.export_child FOLDER REPORT`` starts MalariaScope as ``malariascope gui
FOLDER`` does and, once the folder is screened, exports the CSV report over ``REPORT`` as
File > Export does, or the PDF report when ``REPORT`` ends in ``.pdf``. The first row of the
CSV, or the PDF's bytes, kill the process as they are written (SIGKILL: no handler runs), so
its temporary file, its locks and the record of the export are left as a power cut leaves
them.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def killed(*_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main(folder: str, report: str) -> int:
    from malariascope.core import atomic
    from malariascope.core.report import ReportWriter
    from malariascope.gui.app import create_app, show_window, start

    app = create_app()
    window = show_window()
    if report.endswith(".pdf"):
        write_synced = atomic.write_synced  # the record of the export is written first
        atomic.write_synced = lambda path, *more, **named: (
            killed() if Path(path).name.startswith(f".{Path(report).name}.")
            else write_synced(path, *more, **named))
        export = lambda *_: window.case_flow.reports.export_pdf(report)  # noqa: E731
    else:
        ReportWriter.add = killed
        export = lambda *_: window.export_to(report, overwrite=True)  # noqa: E731
    window.controller.screening_finished.connect(export)
    start(window, [folder])
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
