"""A case asked for from the register dialog while another waits to open, the window empty
as its case S-NEXT left for that one, and the dialog closed (or deleted) before the case
asked for is read: it does not open, and S-NEXT is back in the window, as when an open is
given up."""

from __future__ import annotations

import pytest
import shiboken6

from malariascope.core.errors import RegisterError
from malariascope.gui import case_reading, dialogs
from malariascope.gui.register_window import show_register
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import questions, stored  # noqa: F401
from tests.gui.test_open_given_up import ask_while_a_save_waits, is_back


def open_from_the_register(window, qtbot):
    """Show the register dialog of ``window``, and open its latest case, S-RACE."""
    dialog = show_register(window)
    qtbot.waitUntil(lambda: dialog.table.model().rowCount() > 0, timeout=WAIT_MS)
    dialog.table.selectRow(0)
    dialog.open_selected()
    assert dialog.opening.busy
    return dialog


def back_once_answered(window, qtbot, slow_save, data_folder, uid: str, said: str) -> None:
    """S-RACE, asked for again, no longer waits to open, nor does the status bar say it
    does; once the read answers, S-NEXT is back in the window, the status bar says
    ``said``, and it stays back once its save is done."""
    assert "opens once" not in window.status.currentMessage()
    back = f"{said}; case S-NEXT is back in the window"
    qtbot.waitUntil(lambda: window.status.currentMessage() == back, timeout=WAIT_MS)
    is_back(window, uid)
    slow_save.end()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    is_back(window, uid)  # S-RACE does not open once the save is done
    assert stored(data_folder)["S-NEXT"] == ("open", 3, 1)


@pytest.mark.parametrize("gone", [False, True], ids=["closed", "deleted"])
def test_the_register_closed_as_its_open_is_read_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions,  # noqa: F811
        gone):
    """S-NEXT left the window for S-RACE, which waited for S-NEXT's save; the technician
    asked for S-RACE again from the register and closed it before it was read: S-RACE no
    longer waited, the read was dropped, and the window stayed empty, its status bar
    saying S-RACE would open. A dialog deleted meanwhile raised in the event loop."""
    window = screened_window
    race, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                       questions, dialogs.KEEP)
    dialog = open_from_the_register(window, qtbot)
    assert dialog.selected_uids() == (race.case.uid,)
    if gone:
        shiboken6.delete(dialog)
    else:
        dialog.close()
    back_once_answered(window, qtbot, slow_save, data_folder, uid,
                       "Case S-RACE not opened: the case register was closed")


def test_a_read_failing_once_the_register_is_deleted_gives_the_windows_case_back(
        screened_window, qtbot, slow_save, data_folder, tmp_path, questions,  # noqa: F811
        monkeypatch):
    """The failure of a read asked for by a register dialog deleted since raised in the
    event loop ("Signal source has been deleted") before the window's case that left for
    an earlier open could come back: the window stayed empty."""
    window = screened_window
    _, uid = ask_while_a_save_waits(window, qtbot, slow_save, data_folder, tmp_path,
                                    questions, dialogs.KEEP)

    def unreadable(*_):
        raise RegisterError("the register could not be read")

    monkeypatch.setattr(case_reading, "read_case", unreadable)
    shiboken6.delete(open_from_the_register(window, qtbot))
    back_once_answered(window, qtbot, slow_save, data_folder, uid,
                       "The case asked for was not opened: the register could not be read")
