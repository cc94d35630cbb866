"""Helpers of the GUI tests (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import SHARED_DATA

if TYPE_CHECKING:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QWidget

REAL_FIELD = SHARED_DATA / "fields" / "PA171742.JPG"  # 3 rings among 130 cells
MODEL_TIMEOUT_MS = 60_000
SCREEN_TIMEOUT_MS = 120_000


def close_window(window, qtbot) -> None:
    """Close as a technician giving up the window's work does, at teardown: Quit's question
    about the case on show, if it asks one, is answered Discard (an amendment kept for
    later), unshown (whatever stands in for it in the test), a box of the case form holding
    refused text is cleared, and a message the window left open is closed, for no later test
    to take for its own. See
    :func:`quit_window` to show the question."""
    from PySide6.QtWidgets import QMessageBox

    from malariascope.gui import case_dialogs, dialogs

    for box in window.findChildren(QMessageBox):
        if box.isVisible():
            box.close()
    for _ in range(3):  # boxes holding text the case refused are cleared: Quit stops for them
        if (refused := window.case_panel.refused_box()) is not None:
            refused[0].clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.DISCARD)
        patch.setattr(dialogs, "ask_quit_amending", lambda *_, **__: dialogs.KEEP)
        quit_window(window, qtbot)


def quit_window(window, qtbot) -> None:
    """Quit ``window``, its question shown (the test answers it), and wait for its workers
    (a screening that Quit stopped ends after the window has closed)."""
    window.close()
    assert not window.isVisible(), "Quit was refused"
    qtbot.waitUntil(lambda: len(window.controller.workers) == 0, timeout=30_000)
    assert window.table_model.thumbnails.active() == 0


def restore_at_start(make_window, qtbot):
    """A window started on a data folder holding unsaved work, which it restores."""
    from malariascope.gui.app import start

    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    click(wait_for_box(qtbot, window, "Restore unsaved work?"), "Restore")
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=60_000)
    return window


def screen_and_wait(window, qtbot, paths, timeout: int = SCREEN_TIMEOUT_MS) -> None:
    """Open ``paths`` in ``window`` and wait until the batch is screened completely."""
    with qtbot.waitSignal(window.controller.screening_finished, timeout=timeout) as blocker:
        assert window.open_paths(paths)
    assert blocker.args[1], "screening did not complete"


def resize_window(window, qtbot, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height`` and wait until it is that size."""
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.size().toTuple() == (width, height))


def field_pane_laid_out(window, qtbot) -> list[int]:
    """Wait until the window has given the whole-field pane, first shown, its share of the
    list's column (a quarter, or the pane's least height); the list/field split."""
    split, box = window.central.list_and_field, window.central.field_box
    least = box.minimumSizeHint().height()  # its title and a strip of field
    qtbot.waitUntil(lambda: 0 < split.sizes()[1] <= max(sum(split.sizes()) // 4, least))
    return split.sizes()


def turn_wheel(widget: QWidget, notches: int, at: QPointF | None = None,
               ctrl: bool = False) -> bool:
    """Turn the mouse wheel over ``widget`` at ``at`` (its middle by default) by ``notches``,
    down when negative, with Ctrl held when ``ctrl``; True when the widget took the turn.
    Qt hands a wheel event that a widget leaves on to its parent only when it comes from
    the mouse, so a test sees the refusal, not the parent scrolling."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    at = QPointF(widget.rect().center()) if at is None else at
    held = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(at, QPointF(widget.mapToGlobal(at)), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, held, Qt.ScrollPhase.NoScrollPhase, False)
    event.ignore()
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def with_healthy_cells_uncertain(window, qtbot, folder, sample_id: str = "S-1"):
    """Screen ``folder`` for slide ``sample_id`` and move the threshold to the highest P of
    its healthy cells, so they fall in the uncertain band; the batch."""
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    batch.set_sample_id(sample_id)
    healthy = max(r.probability for r in batch.results if r.ok and r.probability < 0.5)
    window.controls.threshold.spin.setValue(round(healthy, 3))
    return batch


def wait_for_box(qtbot, window, title: str, timeout: int = 60_000):
    """The message box titled ``title`` that ``window`` shows, once it is shown."""
    from PySide6.QtWidgets import QMessageBox

    def shown() -> list:
        return [box for box in window.findChildren(QMessageBox)
                if box.isVisible() and box.windowTitle() == title]

    qtbot.waitUntil(lambda: bool(shown()), timeout=timeout)
    return shown()[0]


def click(box, text: str) -> None:
    """Click the button of ``box`` labelled ``text`` (its mnemonic's ``&`` left out)."""
    next(button for button in box.buttons() if button.text().replace("&", "") == text).click()


def press_alt(box, qtbot, key, missed: str) -> None:
    """Press Alt and ``key`` in the message ``box``, made the active window (a mnemonic works
    there), and wait until it closes; if it does not, click its button ``missed``, so the
    test fails on a box answered."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    # a mnemonic clicks its button after a short animation; the box may delete itself then
    with qtbot.waitSignal(box.finished, timeout=2_000, raising=False) as answered:
        qtbot.keyClick(box, key, Qt.KeyboardModifier.AltModifier)
    if not answered.signal_triggered:
        click(box, missed)


def answer_next_dialog(window, answer, kind: type | None = None) -> None:
    """Call ``answer(box)`` on the next dialog of ``kind`` (a message box unless told)
    ``window`` shows, whether it blocks (``exec``) or not; the look ends with the window."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def look() -> None:
        shown = [box for box in window.findChildren(kind or QMessageBox) if box.isVisible()]
        if shown:
            answer(shown[0])
        else:
            QTimer.singleShot(10, window, look)

    QTimer.singleShot(0, window, look)


def keep_amending_at_quit(window) -> None:
    """Answer the question Quit asks next during an amendment with Keep amending later: it
    stays in the register, offered back at the next start."""
    answer_next_dialog(window, lambda box: click(box, "Keep amending later"))


def amend_case(window, qtbot, reason: str, by: str) -> bool:
    """Amend the case ``window`` shows with ``reason`` as ``by``, as Amend… does; True when
    amended. The case is amended, or refused, once its amending lock is taken in a worker
    (and the register has answered the check a past case on show, or the own case of a
    window without autosave, makes first)."""
    with qtbot.waitSignal(window.case_flow.message, timeout=60_000,
                          check_params_cb=lambda line: "mended" in line):
        assert window.case_flow.amending.amend(reason, by)
    return window.past_case.shown is None and window.batch.case.amending


UNREVIEWED = "Unreviewed uncertain cells"


def _read(report) -> list[dict[str, str]]:
    with open(report, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _column(window, column: int) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _natural(name: str) -> tuple:
    """``cell_12.png`` after ``cell_9.png``, as the files were listed."""
    stem, number = name.rsplit("_", 1)
    return stem, int(number.split(".")[0])


def _first_ok(batch) -> int:
    """The first row with a call (broken/ sorts before the cells in natural order)."""
    return next(row for row, result in enumerate(batch.results) if result.ok)


def _current_row(window) -> int:
    return window.table.current_source_row()


def _distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def _click_cell(window, qtbot, row: int) -> None:
    from PySide6.QtCore import Qt

    view = window.field_view
    centre = view.box_rect(window.batch.results[row].box).center().toPoint()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre)


def started_window(make_window, qtbot):
    """A window started as the app starts it: its model loaded and its work saved to the
    register from the first change on."""
    from malariascope.gui.app import start

    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.work is not None, timeout=60_000)
    return window


def real_field_folder(folder: Path) -> Path:
    """``folder``, made, holding one real whole field (:data:`REAL_FIELD`), or a skip saying
    why."""
    if not REAL_FIELD.is_file():
        pytest.skip(f"real whole fields not found at {REAL_FIELD.parent}")
    folder.mkdir()
    shutil.copy(REAL_FIELD, folder)
    return folder
