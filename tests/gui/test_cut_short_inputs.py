"""A case screened in part (cancelled, or stopped by a crash) stays partial until every input
cut short has been screened to its end: never told complete by an addition alone."""

from __future__ import annotations

import shutil
from dataclasses import replace

from malariascope.core.extent import UNKNOWN_INPUTS, Extent
from malariascope.core.session import Session
from malariascope.gui.app import start
from malariascope.gui.batch_session import session_now
from tests.gui.conftest import SCREENED
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, restore_at_start, wait_for_box
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
        saved: Session = session_now(window.batch, window.controller)  # autosave's last
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


def test_shallow_reopen_of_the_cut_short_folder_itself_is_not_complete(
        make_window, qtbot, cut_short):
    """Opened again without its subfolders, a folder cut short was counted screened whole at
    the end of that search, the files of its subfolder never screened."""
    folder, _ = cut_short
    files = sorted(folder.iterdir())
    (folder / "sub").mkdir()
    for path in files[-4:]:
        shutil.move(str(path), folder / "sub" / path.name)
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        window.controller.screen([folder], recursive=False)  # sub not searched
    assert len(window.batch) == 8  # 4 files of sub never screened
    assert done.args[1] is False and not window.controller.complete, (
        f"told complete, not_screened={window.controller.not_screened()}, "
        f"{window.controller.extent}")


def test_reopening_a_whole_input_keeps_the_count_of_another_cut_short(
        make_window, qtbot, cut_short, tmp_path):
    """A folder cut short (7 of 12 not screened), another added whole and opened again
    (nothing new): the count of 7 was lost, the report said 'some' files not screened."""
    window = restore_at_start(make_window, qtbot)
    other = tmp_path / "other"
    make_cell_folder(other, 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.controller.screen([other])
    assert window.controller.not_screened() == 7
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        window.controller.screen([other])  # opened again: every file already in the case
    assert window.controller.not_screened() == 7, (
        f"not_screened={window.controller.not_screened()}, {window.controller.extent}")


def test_work_cut_short_without_named_inputs_is_not_offered_its_rest(
        make_window, qtbot, cut_short, data_folder, tmp_path):
    """'Restore and screen the rest' was offered, as the default, for work whose cut-short
    inputs are not known (a case taken back from the register, a folder added since): it
    screened the added folder again, nothing, and the case stayed partial."""
    _, session = cut_short
    added = Extent((str(tmp_path / "other"),), True, "auto", 15, (UNKNOWN_INPUTS,))
    write_legacy_session(data_folder / "session", replace(session, extent=added))
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    buttons = [button.text().replace("&", "") for button in box.buttons()]
    click(box, "Restore")
    assert "Restore" in buttons and "Restore and screen the rest" not in buttons


def test_a_cut_short_folder_reopened_through_a_link_is_screened_whole_and_counted_once(
        make_window, qtbot, cut_short, tmp_path):
    """Opened again by a symlink's spelling of its path, the folder cut short stayed cut
    short once its rest was screened, and its files were counted twice (19 found of 12)."""
    folder, _ = cut_short
    link = tmp_path / "link"
    link.symlink_to(folder, target_is_directory=True)
    window = restore_at_start(make_window, qtbot)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        window.controller.screen([link])
    assert done.args == [12, True] and window.controller.complete, window.controller.extent
    assert (window.controller.extent.files, window.controller.not_screened()) == (12, 0)


def test_a_cut_short_folder_screened_again_and_stopped_again_stays_partial(
        make_window, qtbot, big_folder):
    """The rest of a cancelled folder, screened again (opened again, or Restore and screen
    the rest) and stopped again, was told complete as its first cells came: 20 of 30 fields
    screened, the window, the autosave and the CSV said the batch was whole."""
    window = make_window()
    batch, controller = window.batch, window.controller
    def stop(*_: object) -> None:  # as the screening's first cells come
        batch.events.appended.disconnect(stop)
        controller.cancel()

    for _ in range(2):  # the first screening, then the rest of it
        batch.events.appended.connect(stop)
        with qtbot.waitSignal(controller.screening_finished, timeout=120_000) as done:
            assert window.open_paths([big_folder])
        assert done.args[1] is False and 0 < len(batch) < 2000
        assert not controller.complete and controller.not_screened() != 0
        assert not session_now(batch, controller).complete
