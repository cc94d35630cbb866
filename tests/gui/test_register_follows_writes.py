"""The register dialog, left open, lists the window's writes as they land (a case signed,
kept for later), and the technician's place in it stays: the search typed, the pages shown
and the cases selected."""

from __future__ import annotations

from malariascope.gui import register_dialog
from tests.gui.helpers import screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import answer
from tests.gui.test_register_dialog import filed, open_register, select  # noqa: F401
from tests.images import make_cell_folder


def status(dialog, sample_id: str) -> str | None:
    """The status the dialog lists for the case of ``sample_id`` (None: not listed)."""
    shown = dialog.table.model()
    return next((shown.index(row, 4).data() for row in range(shown.rowCount())
                 if shown.index(row, 0).data() == sample_id), None)


def test_the_open_register_lists_a_case_signed_and_kept_keeping_its_place(
        filed, screened_window, qtbot, tmp_path, monkeypatch):  # noqa: F811
    """With the register open, the window's case signed (or kept for later and a new one
    begun) still showed as it was when the dialog searched: only the window's own case's
    screening words followed the window."""
    monkeypatch.setattr(register_dialog, "PAGE", 2)  # pages of two: Show more is needed
    window = screened_window
    dialog = open_register(window, qtbot)
    assert status(dialog, "S-1") is None and dialog.more.isVisible()
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.more.click()
    assert status(dialog, "S-RACE") == "open" and len(dialog.model.cases) == 4
    select(dialog, "S-1")
    chosen = dialog.selected_uids()

    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status(dialog, "S-RACE") == "signed", timeout=WAIT_MS)
    assert len(dialog.model.cases) == 4 and dialog.selected_uids() == chosen

    assert window.case_flow.new_case(ask=False)  # signed: nothing to keep or ask
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 2)[0].parent])
    qtbot.keyClicks(dialog.slide, "S-")  # a search typed: S-1, S-2, S-RACE and S-NEXT
    qtbot.waitUntil(lambda: status(dialog, "X-3") is None, timeout=WAIT_MS)
    select(dialog, "S-2")
    chosen = dialog.selected_uids()
    window.case.update(sample_id="S-NEXT")
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status(dialog, "S-NEXT") is not None, timeout=WAIT_MS)
    assert dialog.slide.text() == "S-" and dialog.selected_uids() == chosen
    assert status(dialog, "X-3") is None


def test_the_writes_landing_together_are_listed_with_one_read(
        filed, screened_window, qtbot, monkeypatch):  # noqa: F811
    """Each write of the window's read the list anew: a screening's, every second, took the
    register from its saves for 40 to 110 ms a time (a filtered list of 25,000 cases)."""
    window = screened_window
    dialog = open_register(window, qtbot)
    reads: list[str] = []
    monkeypatch.setattr(dialog, "refresh", lambda: reads.append("refresh"))
    for _ in range(3):  # as a screening's saves land, and the cells' pictures after them
        window.autosave.writes.done.emit()
    assert reads == []
    qtbot.waitUntil(lambda: reads == ["refresh"], timeout=WAIT_MS)
    window.autosave.writes.done.emit()  # a write after the list took them: read again
    qtbot.waitUntil(lambda: reads == ["refresh"] * 2, timeout=WAIT_MS)
