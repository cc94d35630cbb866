"""Start the app: ``create_app`` makes the QApplication, ``run`` shows the window.

Order matters for a fast start: PySide6 first, the window painted, and only then the model
loaded in a worker (which is also where numpy, OpenCV and ONNX Runtime get imported).
``run(..., smoke_test=True)`` does the same with a stopwatch and exits: it is how CI and the
bundle test check that a real window comes up, loads the model, can print and screens.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_IMPORTED = time.perf_counter()

from PySide6.QtCore import QThreadPool, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from malariascope import __version__  # noqa: E402
from malariascope.gui.resources import app_icon  # noqa: E402
from malariascope.gui.settings import APPLICATION, ORGANIZATION  # noqa: E402
from malariascope.qt_locale import (  # noqa: E402
    quiet_about_a_locale_not_utf8,
    write_numbers_as_the_reports,
)


def process_age() -> float:
    """Seconds since this process started: the user's wait, interpreter start-up included.

    Exact on Linux (``/proc``); elsewhere measured from the import of this module.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, named for QSettings, with the icon, enough worker threads and the
    reports' numbers; Qt's warning of a locale not UTF-8 is kept quiet where Qt switched to
    one."""
    app = QApplication.instance()
    if app is None:
        if sys.platform == "win32":  # the taskbar groups and shows our icon, not Python's
            import ctypes

            ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("MalariaScope.App")
        with quiet_about_a_locale_not_utf8():
            app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    write_numbers_as_the_reports()
    pool = QThreadPool.globalInstance()  # screening, detail and export may overlap
    pool.setMaxThreadCount(max(4, pool.maxThreadCount()))
    return app


def run(paths: Sequence[str | os.PathLike[str]] = (), smoke_test: bool = False,
        timeout: float = 120.0) -> int:
    """Show the main window (and screen ``paths``); returns the exit code."""
    app = create_app()
    window = show_window(persist_settings=not smoke_test)
    if smoke_test:
        code = SmokeTest(window, [Path(p) for p in paths], timeout).run(app)
    else:
        start(window, paths)
        code = app.exec()
    # The window closes without waiting for a screening it stopped: it ends before Python.
    QThreadPool.globalInstance().waitForDone(30_000)
    return code


def show_window(persist_settings: bool = True):  # -> MainWindow, imported after Qt is up
    """Create and paint the main window, before the model worker competes for the GIL."""
    from malariascope.gui.main_window import MainWindow

    window = MainWindow(persist_settings=persist_settings)
    window.show()
    QApplication.processEvents()
    return window


def start(window, paths: Sequence[str | os.PathLike[str]] = ()) -> None:
    """Load the model, say which exports a run that crashed left unfinished, offer back its
    work, then screen ``paths``.

    Autosave starts once the offer is answered, so it never writes over the work offered.
    """
    from malariascope.gui.unfinished_exports import tell_unfinished

    window.start()
    tell_unfinished(window, window.controller.workers)
    window.autosave.resume(then=lambda: paths and window.open_paths(paths))


class SmokeTest:
    """Prints one line per milestone, then exits 0, or 1 with the reason on stderr."""

    def __init__(self, window, paths: list[Path], timeout: float) -> None:
        self.window = window
        self.paths = paths
        self.timeout = timeout
        self.code = 1

    def run(self, app: QApplication) -> int:
        controller = self.window.controller
        controller.model_ready.connect(self._on_model_ready)
        controller.model_failed.connect(self._fail)
        controller.screening_finished.connect(self._on_screened)
        print(f"window shown in {process_age():.2f} s", flush=True)
        QTimer.singleShot(int(self.timeout * 1000),
                          lambda: self._fail(f"timed out after {self.timeout:.0f} s"))
        self.window.start()
        app.exec()
        self.window.case_flow.new_case(ask=False)  # nobody is there to answer Quit's question
        self.window.close()
        return self.code

    def _on_model_ready(self, name: str) -> None:
        print(f"model ready in {process_age():.2f} s ({name})", flush=True)
        if not self._can_print():
            return
        if not self.paths:
            self._finish()
        elif not self.window.open_paths(self.paths):
            self._fail("could not open the paths")

    def _on_screened(self, cells: int, complete: bool) -> None:
        seconds = self.window.controller.screen_seconds
        counts = self.window.batch.counts
        print(f"screened {counts.cells_text} in {seconds:.2f} s", flush=True)
        if not complete:
            self._fail("screening did not complete")
        elif cells == 0:
            self._fail(f"no images found in {', '.join(map(str, self.paths))}")
        elif counts.classified == 0:
            self._fail(counts.without_call.none_called())
        else:
            self._finish()

    def _can_print(self) -> bool:
        """Print report… needs Qt's print support: a build that left it out fails here."""
        try:
            from PySide6.QtPrintSupport import QPrinter
        except ImportError as exc:
            self._fail(f"Print report… cannot show the print dialog ({exc})")
            return False
        QPrinter()  # loads the print support plugins, as the dialog will
        return True

    def _finish(self) -> None:
        self.code = 0
        QApplication.instance().exit(0)

    def _fail(self, reason: str) -> None:
        print(f"smoke test failed: {reason}", file=sys.stderr, flush=True)
        self.code = 1
        QApplication.instance().exit(1)
