"""A case without a slide id is named by the second it was opened; two of one patient opened
in one second are told apart by their place, "(2)", in the window as in the register."""

from __future__ import annotations

from malariascope.core.clock import local_time
from malariascope.core.register import Register
from malariascope.gui import dialogs
from tests.gui.helpers import quit_window, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import questions  # noqa: F401 (fixture)
from tests.gui.test_register_table import _register_of_started_window
from tests.images import make_cell_folder


def names(data_folder) -> dict[str, str]:
    """By uid: the name of each case as the register reads it back."""
    with Register(data_folder) as register:
        return {case.uid: register.load(case.uid).case.name for case in register.cases()}


def test_the_second_case_opened_in_one_second_is_named_as_the_register_names_it(
        make_window, qtbot, data_folder, tmp_path, questions):  # noqa: F811
    """The window named its case "(no slide id, opened 10:26:25 ...)" in every note while the
    register listed it, and read it back, as "... (2)": the notes seemed to speak of the
    other case of that second. Reopened after a restart, it is "(2)" once, the first none."""
    window, dialog = _register_of_started_window(make_window, qtbot)
    dialog.close()
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "one", 2)[0].parent])
    qtbot.waitUntil(lambda: writes_done(window) and window.autosave.work.case is not None,
                    timeout=WAIT_MS)
    first, opened = window.batch.case.uid, window.batch.case.created_at
    questions.answers = [dialogs.KEEP]
    assert window.case_flow.new_case()
    window.batch.case.created_at = opened  # the next case opened in that same second
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "two", 3)[0].parent])
    qtbot.waitUntil(lambda: writes_done(window) and window.autosave.work.case is not None,
                    timeout=WAIT_MS)
    second = window.batch.case.uid
    name = f"(no slide id, opened {local_time(opened, seconds=True)})"
    assert window.batch.case.name == f"{name} (2)"
    assert names(data_folder) == {first: name, second: f"{name} (2)"}

    questions.answers = [dialogs.KEEP]
    quit_window(window, qtbot)
    again, dialog = _register_of_started_window(make_window, qtbot)
    for row in range(2):
        dialog.table.selectRow(row)
        if dialog.selected_uids() == (second,):
            break
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS):
        dialog.open_selected()
    qtbot.waitUntil(lambda: again.batch.case.uid == second, timeout=WAIT_MS)
    assert again.batch.case.name == f"{name} (2)" and again.past_case.shown is None
    qtbot.waitUntil(lambda: writes_done(again), timeout=WAIT_MS)
    assert names(data_folder) == {first: name, second: f"{name} (2)"}
