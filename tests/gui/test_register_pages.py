"""The register dialog over a register of many cases: the latest page listed, the search over
them all, Show more for the next page."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from malariascope.core.case import Case
from malariascope.core.register import FILE_NAME, Register
from malariascope.gui import cases_table
from malariascope.gui.cases_table import CasesTableModel
from malariascope.gui.register_dialog import PAGE
from tests.core.test_register_scale import add_cases, age
from tests.gui.test_register_dialog import WAIT_MS, open_register
from tests.gui.test_register_table import _click_heading, _register_of_started_window


@pytest.fixture
def many(data_folder) -> list[Case]:
    """1,200 cases of their own slides, S-00000 the first saved."""
    with Register(data_folder) as register:
        return add_cases(register, 1_200)


def _slides(dialog) -> list[str]:
    return [case.facts.sample_id for case in dialog.model.cases]


def test_a_register_of_1200_cases_lists_the_latest_500_and_says_how_many_more(
        make_window, qtbot, many):
    """The dialog listed every case: a year's 25,000 took 4.7 s to show, the window frozen
    for 2.2 s of them as the table took them all."""
    _, dialog = _register_of_started_window(make_window, qtbot)
    assert dialog.table.model().rowCount() == PAGE == 500
    assert _slides(dialog) == [f"S-{number:05d}" for number in range(1_199, 699, -1)]
    assert dialog.note.text() == ("The latest 500 of 1,200 cases found: refine the search to "
                                  "find the others")
    assert dialog.more.isVisibleTo(dialog) and dialog.more.text() == "Show 500 more"
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert dialog.table.model().rowCount() == 1_000 and dialog.more.text() == "Show 200 more"
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert dialog.table.model().rowCount() == 1_200 and not dialog.more.isVisibleTo(dialog)
    assert dialog.note.text() == "1,200 cases"


def test_a_search_finds_a_case_beyond_the_first_page_and_exports_all_found(
        make_window, qtbot, many, tmp_path):
    _, dialog = _register_of_started_window(make_window, qtbot)
    assert "S-00003" not in _slides(dialog)
    dialog.slide.setText("S-00003")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS) as found:
        dialog.search()
    assert found.args == [1] and _slides(dialog) == ["S-00003"]
    assert dialog.note.text() == "1 case" and not dialog.more.isVisibleTo(dialog)
    dialog.slide.clear()
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as exported:
        dialog.exports.export_to(tmp_path / "all.csv", selected=False)
    assert exported.args[1] == 1_200  # every case found, not the page listed


def _in_view(dialog) -> list[str]:
    """The slides of the rows in full view in the list."""
    table, height = dialog.table, dialog.table.viewport().height()
    return [case.facts.sample_id for row, case in enumerate(dialog.model.cases)
            if 0 <= table.rowViewportPosition(row) <= height - table.rowHeight(row)]


@pytest.mark.parametrize(("heading", "scrolled"), [(None, "ScrollPerItem"),
                                                   ("Slide", "ScrollPerItem"),
                                                   ("Slide", "ScrollPerPixel")])
def test_show_more_keeps_the_case_selected_and_the_rows_in_view(make_window, qtbot, many,
                                                                 heading, scrolled):
    """Show more listed the cases again from the top, a page longer: a technician who had
    scrolled to the end of the first 500 and selected a case was back at the top, nothing
    selected. Sorted by slide, the rows added sort before those in view."""
    _, dialog = _register_of_started_window(make_window, qtbot)
    dialog.table.setVerticalScrollMode(getattr(QAbstractItemView.ScrollMode, scrolled))
    if heading:
        _click_heading(dialog, qtbot, heading)
        assert _slides(dialog)[0] == "S-00700"
    dialog.table.scrollToBottom()
    dialog.table.selectRow(PAGE - 3)
    selected, in_view = dialog.selected_uids(), _in_view(dialog)
    assert dialog.model.cases[PAGE - 3].facts.sample_id in in_view[-5:]
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert dialog.table.model().rowCount() == 2 * PAGE
    assert dialog.selected_uids() == selected
    assert _in_view(dialog)[:len(in_view)] == in_view


def test_every_case_is_listed_once_when_cases_are_saved_between_two_show_mores(
        make_window, qtbot, data_folder, many):
    """Between two pages the window saves a case beyond them (which moves to the top of the
    register's list) and one listed: each is listed once, as saved."""
    age(data_folder)
    _, dialog = _register_of_started_window(make_window, qtbot)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert "S-00003" not in _slides(dialog)
    for case in (many[3], many[1_100]):
        dialog.register.save(case)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert sorted(_slides(dialog)) == [case.facts.sample_id for case in many]
    assert not dialog.more.isVisibleTo(dialog) and dialog.note.text() == "1,200 cases"
    saved = {case.facts.sample_id: case.updated_at for case in dialog.model.cases}
    assert not saved["S-01100"].startswith("2025") and not saved["S-00003"].startswith("2025")


def test_show_more_waits_for_the_search_on_its_way(make_window, qtbot, many):
    """Show more goes on from the list on show: pressed while a search is on its way, it
    would drop the search's answer for the next page of the list it replaces."""
    _, dialog = _register_of_started_window(make_window, qtbot)
    dialog.slide.setText("S-00003")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert _slides(dialog) == ["S-00003"] and dialog.more.isEnabled()


def test_the_columns_are_sized_to_the_rows_on_show_not_to_every_row_listed(
        make_window, qtbot, many, monkeypatch):
    """Sizing the columns read every cell of up to 1,000 rows on the UI thread: 0.15 s of
    the 0.38 s the window stood still as it listed a page of 500, twice that for 1,000
    after Show more (which now keeps the widths, as it keeps the rows on view)."""
    asked = []
    data = CasesTableModel.data

    def counted(model, index, role=Qt.ItemDataRole.DisplayRole):
        asked.append(index.row())
        return data(model, index, role)

    monkeypatch.setattr(CasesTableModel, "data", counted)  # before Qt sees the model
    _, dialog = _register_of_started_window(make_window, qtbot)
    read = []
    for list_them in (dialog.search, dialog.more.click, dialog.more.click):
        asked.clear()
        with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
            list_them()
        read.append(len(set(asked)))
    assert dialog.table.model().rowCount() == 1_200
    assert max(read) < 300  # the rows on show and a hundred more; Show more sizes none


def test_with_autosave_off_the_register_is_opened_off_the_ui_thread(make_window, qtbot, many,
                                                                    monkeypatch):
    """The dialog opened a register of its own on the UI thread: a year's register, its case
    tables checked as it opens, stood the window still for 1 to 2 s."""
    on_ui_thread = []
    init = Register.__init__

    def opening(register, *args, **kwargs) -> None:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        init(register, *args, **kwargs)

    monkeypatch.setattr(Register, "__init__", opening)
    window = make_window()  # autosave not resumed: as in a second window
    dialog = open_register(window, qtbot)
    assert on_ui_thread == [False] and dialog.owns_register
    assert dialog.isVisible() and dialog.table.model().rowCount() == PAGE
    dialog.reject()
    assert not dialog.owns_register


def test_a_list_of_1200_cases_is_sorted_with_one_key_a_case(make_window, qtbot, many,
                                                            monkeypatch):
    """Qt's sorting proxy asked for two sort keys at every comparison, each a call into
    Python: 2 s of the UI thread as the adaptation's picker listed a year's 22,500 signed
    cases."""
    keys = []
    key = cases_table.sort_key

    def counted(case, column, screening=None):
        keys.append(case.uid)
        return key(case, column, screening)

    monkeypatch.setattr(cases_table, "sort_key", counted)
    _, dialog = _register_of_started_window(make_window, qtbot)
    for _ in range(2):
        with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
            qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    keys.clear()
    _click_heading(dialog, qtbot, "Slide")
    assert len(keys) == 1_200
    assert _slides(dialog)[:2] in (["S-00000", "S-00001"], ["S-01199", "S-01198"])


def test_sorted_by_status_the_windows_case_moves_as_the_window_tells_its_screening(
        qtbot, tmp_path):
    """The window tells the list what it says of its case's screening ("open, screening"),
    and a list sorted by Status sorts it by those words."""
    with Register(tmp_path) as register:
        add_cases(register, 3)
        listed = register.cases()
    model = CasesTableModel()
    model.set_cases(listed)
    model.sort(cases_table.COLUMNS.index("Status"), Qt.SortOrder.AscendingOrder)
    first = model.cases[0]
    model.set_window_case(first.uid, "screening")
    assert model.cases[-1] is first  # "open, screening" after the two "open"


def test_a_case_saved_out_of_the_search_between_two_pages_leaves_the_list(
        make_window, qtbot, data_folder, many):
    """A listed case saved with another patient stayed listed as it was once Show more had
    listed the rest: 1,000 rows under "999 cases", one of them a patient the register no
    longer has."""
    age(data_folder)
    _, dialog = _register_of_started_window(make_window, qtbot)
    dialog.patient.setText("P-00")  # P-00000 to P-00999
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
    moved = many[999]
    assert moved.facts.sample_id in _slides(dialog)
    moved.facts = dataclasses.replace(moved.facts, patient_id="Q-00999")
    dialog.register.save(moved)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert moved.facts.sample_id not in _slides(dialog)
    assert dialog.table.model().rowCount() == 999 and dialog.note.text() == "999 cases"


def test_a_listed_case_discarded_before_show_more_leaves_the_list(
        make_window, qtbot, data_folder, many):
    """An open case discarded while listed stayed in the list once Show more had listed the
    rest: 1,000 rows under "1,199 cases", one of them a case the register no longer has."""
    age(data_folder)
    _, dialog = _register_of_started_window(make_window, qtbot)
    discarded = many[1_100]
    assert discarded.facts.sample_id in _slides(dialog)
    dialog.register.discard(discarded.uid)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.more, Qt.MouseButton.LeftButton)
    assert discarded.facts.sample_id not in _slides(dialog)
    assert dialog.table.model().rowCount() == 999
    assert dialog.note.text().startswith("The latest 999 of 1,199 cases found")


def test_a_search_failing_after_a_newer_one_listed_leaves_the_list_its_words(
        make_window, qtbot, data_folder, many, monkeypatch):
    """The answer of an older search was dropped, but not its failure: a search of every
    case, slow to fail on a case that cannot be read back, said so under the one case the
    newer search by slide had listed, and gave Show more its list's place back."""
    _, dialog = _register_of_started_window(make_window, qtbot)
    with contextlib.closing(sqlite3.connect(data_folder / FILE_NAME)) as db, db:
        db.execute("UPDATE cases SET facts = '{' WHERE sample_id = 'S-01199'")
    release, page = threading.Event(), Register.page

    def held(register, query=None, *args):
        if not query.sample:  # the search of every case answers after the newer one
            release.wait(WAIT_MS / 1000)
        return page(register, query, *args)

    monkeypatch.setattr(Register, "page", held)
    dialog.search()
    dialog.slide.setText("S-00003")
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
    release.set()
    qtbot.waitUntil(lambda: len(dialog.workers) == 0, timeout=WAIT_MS)
    assert _slides(dialog) == ["S-00003"] and dialog.note.text() == "1 case"
