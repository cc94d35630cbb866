"""A case screened in part (cancelled, or stopped by a crash) stays partial until every input
cut short has been screened to its end: never told complete by an addition alone."""

from __future__ import annotations

import shutil
from dataclasses import replace

from malariascope.core.extent import Extent
from malariascope.core.session import Session
from tests.gui.conftest import SCREENED
from tests.gui.helpers import restore_at_start
from tests.images import make_cell_folder
from tests.legacy_session import write_legacy_session


def test_cut_short_work_without_inputs_stays_partial_after_an_addition(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """Work cut short that names no inputs (saved before extents were kept) was told complete
    once another folder was screened, its 7 files never screened."""
    _, session = cut_short
    write_legacy_session(data_folder / "session",
                         replace(session, extent=Extent(files=12)))  # inputs not known
    window = restore_at_start(make_window, qtbot)
    assert not window.controller.complete
    other = tmp_path / "other"
    make_cell_folder(other, 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        assert window.open_paths([other])
    assert done.args == [SCREENED + 3, False], "7 files never screened, yet told complete"


def test_a_shallow_reopen_of_the_parent_does_not_screen_the_rest_of_a_subfolder(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """A cut-short subfolder was counted screened again when its parent was opened without
    its subfolders."""
    folder, session = cut_short
    parent = tmp_path / "parent"
    sub = parent / "sub"
    parent.mkdir()
    shutil.move(str(folder), sub)
    results = [replace(r, path=sub / r.path.name) for r in session.results]
    make_cell_folder(tmp_path / "loose", 2)
    for path in (tmp_path / "loose").iterdir():
        shutil.copy(path, parent / f"top_{path.name}")
    write_legacy_session(data_folder / "session", replace(
        session, results=results, extent=Extent((str(sub),), True, "auto", 12)))
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        window.controller.screen([parent], recursive=False)  # sub's files not searched
    assert len(window.batch) == SCREENED + 2
    assert done.args[1] is False and not window.controller.complete, (
        "7 files of sub never screened, yet the batch is told complete")


def test_after_a_crash_mid_addition_reopening_the_first_input_is_not_complete(
        make_window, qtbot, cut_short, big_folder, data_folder):
    """A folder cut short, a second opened and the app stopped mid-screening (the work as
    autosave last wrote it, restored): the first opened again, the batch was told complete
    though most of the second was never screened."""
    folder, _ = cut_short
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.open_paths([big_folder])
        qtbot.waitUntil(lambda: len(window.batch) > SCREENED, timeout=120_000)
        saved: Session = window.autosave._session()  # the last write before the crash
        window.controller.cancel()
    window.controller.restore(saved)  # as a restore after the crash sets it (as_saved)
    again = window
    with qtbot.waitSignal(again.controller.screening_finished, timeout=120_000) as done:
        again.controller.screen([folder])
    screened = len(again.batch)
    assert screened < 12 + 2000
    assert done.args[1] is False, f"{screened} of 2012 files' cells, told complete"


def test_a_cut_short_case_kept_for_later_and_taken_back_stays_partial_after_an_addition(
        make_window, qtbot, cut_short, tmp_path, data_folder):
    """Kept for later, then taken from the register to be finished (the register keeps no
    inputs): another folder added, it was told complete, the 7 files never screened."""
    from tests.gui.test_keep_for_later import answer
    from tests.gui.test_register_dialog import open_past, open_register

    window = restore_at_start(make_window, qtbot)
    assert window.controller.not_screened() == 7
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    window = open_past(open_register(window, qtbot), qtbot, "S-KILL-1")
    assert window.past_case.shown is None and not window.controller.complete
    assert window.controller.not_screened() == 7
    other = tmp_path / "other"
    make_cell_folder(other, 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        assert window.open_paths([other])
    assert done.args == [SCREENED + 3, False], (
        f"told complete, not_screened={window.controller.not_screened()}")
