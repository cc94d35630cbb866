"""The register dialog's table over a register written through the core: one date per column,
each named for what it is, and every column sorted by its value, not by its words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from malariascope.core.case import Case, CaseFacts
from malariascope.core.clock import local_time
from malariascope.core.register import Register
from malariascope.core.tally import Counts
from malariascope.gui.app import start
from malariascope.gui.cases_table import COLUMN_CHARS
from tests.gui.helpers import MODEL_TIMEOUT_MS
from tests.gui.test_register_dialog import AT, WAIT_MS, open_register

OPENED = {"S-9": "2026-03-04T12:00:00+00:00", "S-10": "2026-03-02T12:00:00+00:00",
          "S-11": "2026-03-03T12:00:00+00:00"}
COLLECTED = {"S-9": "2026-02-20", "S-10": "", "S-11": "2026-03-02"}
CELLS = {"S-9": 9, "S-10": 10, "S-11": 100}


@pytest.fixture
def dated(data_folder) -> None:
    """Three cases opened on known days, one without a collection date, S-11 signed."""
    with Register(data_folder) as register:
        for sample_id, opened in OPENED.items():
            case = Case(CaseFacts(sample_id=sample_id, collected_on=COLLECTED[sample_id]),
                        created_at=opened)
            counts = Counts(rows=CELLS[sample_id], uninfected=CELLS[sample_id])
            if sample_id == "S-11":
                case.sign("Cy", counts, at=AT)
                register.save(case)
            else:
                register.save(case, case.result(counts))


def _column(dialog, heading: str) -> list[str]:
    """The texts under ``heading``, from the top of the list as shown."""
    shown = dialog.table.model()
    at = _headings(dialog).index(heading)
    return [shown.index(row, at).data() for row in range(shown.rowCount())]


def _headings(dialog) -> list[str]:
    shown = dialog.table.model()
    return [shown.headerData(at, Qt.Orientation.Horizontal)
            for at in range(shown.columnCount())]


def _click_heading(dialog, qtbot, heading: str) -> None:
    header = dialog.table.horizontalHeader()
    at = _headings(dialog).index(heading)
    middle = QPoint(header.sectionViewportPosition(at) + header.sectionSize(at) // 2,
                    header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)


def _register_of_started_window(make_window, qtbot):
    """The register dialog of a window that autosaves, listing every case."""
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    return window, open_register(window, qtbot)


def test_the_register_shows_the_time_opened_and_the_collection_date_apart_and_sorts_them(
        make_window, qtbot, dated):
    """One Date column showed the collection date of some cases and the day others were
    opened, and no column sorted: a case opened today stood among slides collected weeks
    ago."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    assert "Date" not in _headings(dialog)
    assert _column(dialog, "Slide") == ["S-9", "S-11", "S-10"]  # the latest opened first

    _click_heading(dialog, qtbot, "Opened")
    assert _column(dialog, "Slide") == ["S-10", "S-11", "S-9"]
    assert _column(dialog, "Opened") == [local_time(OPENED[name], seconds=True)
                                         for name in ("S-10", "S-11", "S-9")]
    _click_heading(dialog, qtbot, "Collected")
    assert _column(dialog, "Collected") == ["", "2026-02-20", "2026-03-02"]
    assert _column(dialog, "Slide") == ["S-10", "S-9", "S-11"]
    _click_heading(dialog, qtbot, "Cells")  # as numbers: 9 before 10 before 100
    assert _column(dialog, "Cells") == ["9", "10", "100"]
    _click_heading(dialog, qtbot, "Cells")
    assert _column(dialog, "Slide") == ["S-11", "S-10", "S-9"]

    dialog.table.selectRow(0)  # the case shown first is the one opened
    uid = next(case.uid for case in dialog.model.cases if case.facts.sample_id == "S-11")
    assert dialog.selected_uids() == (uid,)
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        dialog.open_selected()
    assert window.batch.facts.sample_id == "S-11" and window.case.signed


def test_two_cases_of_one_patient_opened_in_one_minute_are_told_apart_in_the_list(
        make_window, qtbot, data_folder):
    """Two cases of one patient without a slide id, opened in one minute, showed the same
    row (Opened said only the day) and had the same name in every question."""
    opened = ("2026-03-04T12:00:05+00:00", "2026-03-04T12:00:41+00:00")
    with Register(data_folder) as register:
        for created_at in opened:
            case = Case(CaseFacts(patient_id="P-00917"), created_at=created_at)
            register.save(case, case.result(Counts(rows=5, uninfected=5)))
    window, dialog = _register_of_started_window(make_window, qtbot)
    rows = _column(dialog, "Opened")
    assert rows == [local_time(created_at, seconds=True) for created_at in reversed(opened)]
    dialog.table.selectAll()
    names = [window.autosave.register.load(uid).case.name for uid in dialog.selected_uids()]
    assert len(set(names)) == 2
    assert all(row in name for row, name in zip(rows, names, strict=True))


def test_three_cases_of_one_patient_opened_in_one_second_are_told_apart_in_the_list(
        make_window, qtbot, data_folder):
    """Cases of one patient without a slide id opened in one second were named "(2)", "(3)"
    in every note, but the list's Opened column showed all three alike: no row told which
    case a note meant."""
    opened = "2026-03-04T12:00:05+00:00"
    with Register(data_folder) as register:
        for _ in range(3):
            case = Case(CaseFacts(patient_id="P-00917"), created_at=opened)
            register.save(case, case.result(Counts(rows=5, uninfected=5)))
    window, dialog = _register_of_started_window(make_window, qtbot)
    second = local_time(opened, seconds=True)
    rows = _column(dialog, "Opened")
    assert sorted(rows) == [second, f"{second} (2)", f"{second} (3)"]
    for row, opened_words in enumerate(rows):  # each row says the place its case's name does
        dialog.table.selectRow(row)
        [uid] = dialog.selected_uids()
        place = opened_words[len(second):]
        assert window.autosave.register.load(uid).case.name == (
            f"(patient P-00917, no slide id, opened {second}){place}")


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter], ids=["Return", "Enter"])
def test_enter_on_a_row_of_the_register_opens_its_case(make_window, qtbot, dated, key):
    """Enter or Return on the case selected in the list opened nothing: a keyboard user had
    to reach for the mouse to double-click it, or Tab round to Open."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)  # the latest opened: S-9
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert _column(dialog, "Slide")[dialog.table.currentIndex().row()] == "S-11"
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, key)
    qtbot.waitUntil(lambda: not dialog.isVisible())  # as a double-click closes it
    assert window.batch.facts.sample_id == "S-11" and window.past_case.shown is not None


def test_return_held_or_pressed_twice_opens_the_case_once(make_window, qtbot, dated):
    """Each auto-repeat of a held Return, and a second press while the case loaded, began
    another load: the question about the window's case was asked again inside the first
    one, and the window lost its own case. Held down, Return opens as it comes up, so its
    auto-repeats never answer that question."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)  # S-11
    loaded: list = []
    dialog.case_loaded.connect(loaded.append)

    def send(kind: QEvent.Type, repeat: bool) -> None:
        QApplication.sendEvent(dialog.table, QKeyEvent(
            kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", repeat))

    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    for kind, repeat in ((press, False), (press, True), (release, True), (press, True)):
        send(kind, repeat)  # held down: nothing opens yet
    assert dialog.note.text() != "Opening the case…"
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        send(release, False)
        send(press, False)  # and pressed again at once
        send(release, False)
    qtbot.wait(500)  # time for any further load to come in
    assert len(loaded) == 1 and window.batch.facts.sample_id == "S-11"


def test_enter_on_several_rows_opens_none_and_leaves_the_register_open(make_window, qtbot,
                                                                       dated):
    """Enter in the list never reaches a button of the dialog: with two cases selected (Open
    is off) the register stays, listing them, and nothing is opened or exported."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Home)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(dialog.selected_uids()) == 2 and not dialog.open_button.isEnabled()
    loaded: list = []
    dialog.case_loaded.connect(loaded.append)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(dialog.table, key)
    assert dialog.note.text() == "3 cases"  # not "Opening the case…": no load started
    assert dialog.isVisible() and not loaded
    assert len(dialog.selected_uids()) == 2 and window.past_case.shown is None


def test_a_double_click_on_a_row_opens_its_case_once(make_window, qtbot, dated):
    window, dialog = _register_of_started_window(make_window, qtbot)
    asked: list = []
    dialog.table.open_asked.connect(lambda: asked.append(True))
    row = _column(dialog, "Slide").index("S-11")
    middle = dialog.table.visualRect(dialog.table.model().index(row, 0)).center()
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=middle)
        qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(asked) == 1 and window.batch.facts.sample_id == "S-11"


def test_tab_into_the_list_selects_its_first_row_and_enter_opens_it(make_window, qtbot, dated):
    """Tab from the search boxes gave the list a focused row that was not selected: Open
    stayed disabled, Enter did nothing, and Down selected the second row."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.patient.hasFocus()
    for _ in range(12):
        if dialog.table.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.table.hasFocus()
    assert dialog.table.currentIndex().row() == 0 and _column(dialog, "Slide")[0] == "S-9"
    assert len(dialog.selected_uids()) == 1 and dialog.open_button.isEnabled()
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.batch.facts.sample_id == "S-9"


def test_a_long_slide_id_is_cut_in_the_list_so_its_status_stays_in_view(make_window, qtbot,
                                                                          data_folder):
    """A slide id of 70 characters sized its column to the whole id: Status, Cells and
    Parasitemia went off the dialog's right edge, behind a scroll bar."""
    slide = "S-" + "2026-0412-WARD-3-MORNING-SESSION-" * 2
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id=slide, patient_id="P-1")))
    window, dialog = _register_of_started_window(make_window, qtbot)
    table, at = dialog.table, _headings(dialog).index("Slide")
    assert table.columnWidth(at) <= table.fontMetrics().averageCharWidth() * COLUMN_CHARS
    assert table.model().index(0, at).data(Qt.ItemDataRole.ToolTipRole) == slide
    status = _headings(dialog).index("Status")
    assert table.columnViewportPosition(status) + table.columnWidth(status) <= \
        table.viewport().width()
    opened = _headings(dialog).index("Opened")  # a time in full, never wrapped
    assert table.columnWidth(opened) > table.fontMetrics().horizontalAdvance(
        table.model().index(0, opened).data())
