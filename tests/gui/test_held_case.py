"""A case that the window autosaving to the register has open is that window's: a second
window (autosave off) shows it, but cannot amend it, and says who holds it since when; once
the first window lets it go, the second amends it and nothing of either is lost."""

from __future__ import annotations

import json
import socket

from malariascope.core.clock import local_time
from malariascope.core.register import Register
from tests.gui.helpers import amend_case, screen_and_wait
from tests.gui.saving_faults import (
    WAIT_MS,
    assert_signed,
    second_window,
    second_window_showing,
    writes_done,
)
from tests.gui.test_keep_for_later import review
from tests.gui.test_register_dialog import open_past, open_register
from tests.gui.test_take_refused import notes, record
from tests.images import make_cell_folder


def test_a_second_window_cannot_amend_the_signed_case_the_autosaving_window_has_open(
        screened_window, make_window, qtbot, data_folder, monkeypatch):
    """The second window amended the signed case the first had open and saved it: the first
    still showed it signed, its own amendment then failed every save ("has an amendment this
    copy lacks"), and its reviews never reached the register."""
    first = screened_window
    assert first.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    second = second_window_showing(first, make_window, qtbot, data_folder)
    uid = first.case.case.uid
    with Register(data_folder) as register:
        saved_at = register.work()[1]
    said = notes(second, monkeypatch)

    assert not amend_case(second, qtbot, "a cell misread", "Bob Ray")
    [line] = [line for line in said if "S-RACE" in line]
    assert line.startswith("Case S-RACE not amended: another MalariaScope window has it open")
    assert local_time(json.loads(saved_at)["saved_at"], seconds=True) in line
    assert second.past_case.shown is not None and not second.batch.case.amending
    assert record(data_folder, "S-RACE")[1:3] == ("Ann Lee", ())

    first_said = notes(first, monkeypatch)
    assert amend_case(first, qtbot, "patient id mistyped", "Ann Lee")  # the holder amends
    review(first, 1)
    assert first.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    assert_signed(data_folder, uid)
    assert [note.by for note in record(data_folder, "S-RACE")[2]] == ["Ann Lee"]
    assert not [line for line in first_said if "failed" in line]

    assert first.case_flow.new_case(ask=False)  # the first window lets the case go
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    with Register(data_folder) as register:
        assert second.past_case.show(register.load(uid), "")  # the copy as signed again
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    assert [note.by for note in record(data_folder, "S-RACE")[2]] == ["Ann Lee", "Bob Ray"]


def test_a_second_window_cannot_amend_its_own_signed_case_the_autosaving_window_amends(
        screened_window, make_window, qtbot, data_folder, tmp_path, monkeypatch):
    """The second window screened and signed its own case; the first opened it from the
    register and amended it. The second, its own case still on show, amended it too with no
    check ("Amended: the signed version is kept"), then failed to save it: two amendments
    of one case in two windows. Now it is refused with the line a past case gets."""
    first = screened_window
    second = signed_in_a_second_window(make_window, qtbot, tmp_path)
    assert first.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    open_past(open_register(first, qtbot), qtbot, "S-TWO")
    assert amend_case(first, qtbot, "patient id mistyped", "Ann Lee")
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    said = notes(second, monkeypatch)

    assert not amend_case(second, qtbot, "a cell misread", "Bob Ray")
    [line] = [line for line in said if "S-TWO" in line]
    assert line.startswith("Case S-TWO not amended: another MalariaScope window has it open")
    assert second.batch.case.signed is not None and not second.batch.case.amending
    assert [note.by for note in record(data_folder, "S-TWO")[2]] == ["Ann Lee"]


def test_the_autosaving_window_does_not_take_an_amendment_a_second_window_is_at(
        screened_window, make_window, qtbot, data_folder, tmp_path, monkeypatch):
    """The second window amended its own signed case; the first opened the amendment from
    the register and took it to finish, as one a window left. Both signed it: the register
    kept the first's sign-off, and the second said "Not saved to the register" over a
    signature of its own on show. Now the first leaves it, saying who holds it, on which
    host, as Amend says it (the open named no host)."""
    first = screened_window
    second = signed_in_a_second_window(make_window, qtbot, tmp_path)
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert amend_case(second, qtbot, "a cell misread", "Bob Ray")
    assert first.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: writes_done(first), timeout=WAIT_MS)
    said = notes(first, monkeypatch)

    open_past(open_register(first, qtbot), qtbot, "S-TWO")
    assert said[-1] == (f"Case S-TWO not opened: another MalariaScope window on "
                        f"{socket.gethostname()} is amending it: sign it or withdraw the "
                        "amendment there, or close that window first")
    assert first.past_case.shown is None and len(first.batch) == 0
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert second.case_flow.sign("Bob Ray")
    assert record(data_folder, "S-TWO")[1] == "Bob Ray"
    assert [note.by for note in record(data_folder, "S-TWO")[2]] == ["Bob Ray"]


def signed_in_a_second_window(make_window, qtbot, tmp_path):
    """A second window (autosave off) that screened its own case S-TWO and signed it,
    saved to the register."""
    second = second_window(make_window, qtbot)
    screen_and_wait(second, qtbot, [make_cell_folder(tmp_path / "own", 2)[0].parent])
    second.case.update(sample_id="S-TWO")
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert second.case_flow.sign("Bob Ray")
    return second
