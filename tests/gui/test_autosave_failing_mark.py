"""A save the case register refuses mid-session (its disk full) is marked in the status bar
as long as it lasts, as autosave off at start is, and Quit says why it cannot keep the case
for later meanwhile."""

from __future__ import annotations

import pytest

from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import answer

FULL = "database or disk is full"


@pytest.fixture
def full_register(screened_window, qtbot):
    """``screened_window``, its case saved, whose register is then full, as its disk would be:
    SQLite refuses every write that needs another page of the file (SQLITE_FULL). Calling
    what is yielded frees the room again."""
    window = screened_window
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    database = window.autosave.register._db
    (limit,) = database.execute("PRAGMA max_page_count").fetchone()
    database.execute("PRAGMA max_page_count = 1")  # no more pages than the file has
    yield window, lambda: database.execute(f"PRAGMA max_page_count = {limit}")
    database.execute(f"PRAGMA max_page_count = {limit}")


def _refused_save(window, qtbot) -> None:
    """Make a change the full register has no room for, and wait for its save to fail."""
    window.case_panel.notes.setPlainText("a long note " * 300)
    with qtbot.waitSignal(window.autosave.failed, timeout=WAIT_MS):
        window.autosave.save_now()
    assert window.autosave.writes.retrying


def test_a_refused_save_is_marked_until_a_save_goes_through(full_register, qtbot):
    """A save refused mid-session showed only a status-bar line that the next message
    replaced, where autosave off at start keeps a red mark with Try now."""
    window, free = full_register
    _refused_save(window, qtbot)
    mark = window.status.autosave_label
    assert mark.isVisible() and "Try now" in mark.text()
    assert FULL in mark.toolTip() and "save" in mark.toolTip()
    assert "cannot open" not in mark.toolTip()
    window.status.note("Model ready: another model")  # other messages come and go
    window.status.clearMessage()
    assert mark.isVisible()
    mark.linkActivated.emit("try")  # still full: tried at once, refused again
    assert not window.autosave.writes.retrying  # the save runs now, not in 30 s
    qtbot.waitUntil(lambda: writes_done(window) or window.autosave.writes.retrying,
                    timeout=WAIT_MS)
    assert mark.isVisible() and window.autosave.writes.retrying
    free()
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        mark.linkActivated.emit("try")
        assert not window.autosave.writes.retrying
    assert not mark.isVisible() and not window.autosave.writes.retrying


def test_quit_says_why_it_offers_no_keep_for_later_while_saves_are_refused(full_register,
                                                                          qtbot):
    """Quit dropped Keep for later without a word while the register refused the saves."""
    window, _ = full_register
    _refused_save(window, qtbot)
    asked = answer(window, "Cancel")
    window.close()
    assert window.isVisible() and "Keep for later" not in asked[0][1][1]
    assert "Keep for later is not offered" in asked[0][0] and FULL in asked[0][0]
