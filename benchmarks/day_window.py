"""The window-driving steps of ``working_day.py`` and ``day_steps.py``: the day's window and
its own folders, waiting on the event loop with a limit, answering message boxes, a heartbeat
timer measuring how long the UI thread was blocked, and what the process holds (``/proc``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

HEARTBEAT_MS = 20
STEP_TIMEOUT_S = 180


def day_environment(tmp: str) -> dict[str, str]:
    """The environment of a day's child process: offscreen, its home, settings, data and
    TMPDIR in the temporary folder ``tmp``."""
    home = Path(tmp)
    (home / "tmp").mkdir()
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=tmp, DAY_WORK=tmp,
                MALARIASCOPE_DATA_DIR=str(home / "data"), TMPDIR=str(home / "tmp"),
                XDG_CONFIG_HOME=str(home / "config"))


def open_day_window():
    """The application and its main window, shown, its model loaded and autosave ready."""
    from malariascope.gui.app import create_app, show_window, start

    app = create_app()
    window = show_window()
    ready = []
    window.controller.model_ready.connect(lambda _name: ready.append(1))
    start(window)
    wait(lambda: bool(ready) and window.autosave.work is not None, "model")
    return app, window


def close_day_window(app, window) -> None:
    """Close the window at the day's end, its last case not asked about."""
    window.batch.unsaved = False
    window.close()
    app.processEvents()


def proc_status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class Heartbeat:
    """A timer on the UI thread that measures its own lateness: the longest block since read."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.worst_ms, self._last = 0.0, time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst_ms = max(self.worst_ms, 1000 * (now - self._last) - HEARTBEAT_MS)
        self._last = now

    def read(self) -> float:
        worst, self.worst_ms = self.worst_ms, 0.0
        return worst


def wait(done: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``done()``; raise after ``STEP_TIMEOUT_S`` (stuck)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + STEP_TIMEOUT_S
    while not done():
        if time.monotonic() > end:
            raise TimeoutError(f"stuck: {what}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)


def after_signal(signal, act: Callable[[], object], what: str) -> None:
    """Do ``act`` and wait until ``signal`` is emitted."""
    fired = []
    slot = lambda *args: fired.append(args)  # noqa: E731
    signal.connect(slot)
    try:
        act()
        wait(lambda: bool(fired), what)
    finally:
        signal.disconnect(slot)


def answer_box(window, title: str, button: str, required: bool = True) -> None:
    from PySide6.QtWidgets import QMessageBox

    def shown() -> list:
        return [box for box in window.findChildren(QMessageBox)
                if box.isVisible() and box.windowTitle() == title]

    if required:
        wait(lambda: bool(shown()), f"box {title}")
    for box in shown():
        next(b for b in box.buttons() if b.text().replace("&", "") == button).click()


def answer_next_box(window, button: str) -> None:
    """Click ``button`` of the next message box ``window`` shows, blocking (``exec``) or not,
    if it shows one within a second."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    tries = [50]

    def look() -> None:
        for box in window.findChildren(QMessageBox):
            if box.isVisible():
                for choice in box.buttons():
                    if choice.text().replace("&", "") == button:
                        choice.click()
                        return
        tries[0] -= 1
        if tries[0]:
            QTimer.singleShot(20, window, look)

    QTimer.singleShot(0, window, look)


def on_show(window) -> str:
    """What the window says: its status line and the message boxes it shows."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    boxes = [f"{box.windowTitle()}: {box.text()}" for box in QApplication.topLevelWidgets()
             if isinstance(box, QMessageBox) and box.isVisible()]
    return f"status {window.status.currentMessage()!r}, boxes {boxes}"
