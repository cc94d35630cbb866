"""A case changed in the register between its reading and the window taking it (an open case,
or a signed one amended): the window says so once, in the same words whether it sees it before
the take or the take is refused, saves nothing over it, and the case can be opened again and
finished."""

from __future__ import annotations

from malariascope.core.case import ReviewDecision
from malariascope.core.register import Register
from malariascope.core.tally import Counts
from malariascope.gui import case_dialogs, dialogs
from malariascope.gui.case_reading import refusal
from tests.gui.helpers import amend_case, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, assert_signed, writes_done
from tests.gui.test_keep_for_later import review, stored
from tests.gui.test_register_dialog import open_past, open_register
from tests.images import make_cell_folder

CHANGED = ("it changed in the case register after this copy was read; open it again from "
           "the register")


def add_review_elsewhere(data_folder, sample_id: str) -> None:
    """Add a review decision to the case of ``sample_id`` through a register handle of its
    own, as another window or process would."""
    with Register(data_folder) as register:
        uid = next(case.uid for case in register.cases() if case.facts.sample_id == sample_id)
        case = register.load(uid).case
        register.save(case, reviews=[ReviewDecision(1, "Bo", "2026-01-01T00:00:00Z",
                                                    "uninfected", "parasitized",
                                                    "parasitized")])


def notes(window, monkeypatch) -> list[str]:
    """Every message the status bar of ``window`` shows from now on, autosave's among them."""
    said: list[str] = []
    show = window.status.showMessage
    monkeypatch.setattr(window.status, "showMessage",
                        lambda text, timeout=0: (said.append(text), show(text, timeout)))
    return said


def kept_and_next_case(window, qtbot, data_folder, tmp_path, monkeypatch) -> None:
    """Keep the window's open case S-RACE, reviewed once, for later, and screen S-NEXT."""
    review(window, 0)
    monkeypatch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.KEEP)
    assert window.case_flow.new_case()
    window.case.update(sample_id="S-NEXT")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    qtbot.waitUntil(lambda: writes_done(window) and "S-NEXT" in stored(data_folder),
                    timeout=WAIT_MS)


def test_a_case_changed_elsewhere_while_the_window_asked_is_not_saved_over(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch):
    """The take was refused in a worker and the window went on with its old copy: every
    later save failed, 'Autosave failed' for the rest of the session, its reviews lost."""
    window = screened_window
    kept_and_next_case(window, qtbot, data_folder, tmp_path, monkeypatch)

    def keep_while_another_window_saves(*_, **__) -> str:
        add_review_elsewhere(data_folder, "S-RACE")  # after the read, before the take
        return dialogs.KEEP

    monkeypatch.setattr(case_dialogs, "ask_export_first", keep_while_another_window_saves)
    said = notes(window, monkeypatch)
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert_held_read_only(window, qtbot, said)
    assert stored(data_folder) == {"S-RACE": ("open", 6, 2), "S-NEXT": ("open", 3, 0)}

    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")  # read again: taken
    assert window.past_case.shown is None and window.controls.isEnabled()
    assert window.batch.reviewed(1)
    review(window, 2)
    qtbot.waitUntil(lambda: stored(data_folder)["S-RACE"][2] == 3, timeout=WAIT_MS)
    assert not [line for line in said if "failed" in line]


def test_a_case_seen_changed_before_the_take_is_told_as_a_refused_take_is(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch):
    """Seen before the take, the change was told as "it changed in the case register after
    it was read; open it again", refused at the take as "this case was changed in another
    window: open it again from the register": two wordings for one event."""
    window = screened_window
    kept_and_next_case(window, qtbot, data_folder, tmp_path, monkeypatch)
    with Register(data_folder) as register:
        uid = next(case.uid for case in register.cases() if case.facts.sample_id == "S-RACE")
        read = register.load(uid)
    add_review_elsewhere(data_folder, "S-RACE")
    said = notes(window, monkeypatch)
    autosave = window.autosave
    assert not window.past_case.show(read, refusal(read, autosave.register,
                                                   autosave.another_works))
    assert said == [f"Case S-RACE not opened: {CHANGED}"]
    assert window.batch.facts.sample_id == "S-NEXT" and window.past_case.shown is None
    assert stored(data_folder) == {"S-RACE": ("open", 6, 2), "S-NEXT": ("open", 3, 0)}


def amend_and_sign_elsewhere(data_folder, sample_id: str, counts: Counts) -> None:
    """Amend the signed case of ``sample_id``, add a review decision and sign it again as Bo,
    through a register handle of its own, as a window without autosave does."""
    with Register(data_folder) as register:
        uid = next(case.uid for case in register.cases() if case.facts.sample_id == sample_id)
        case = register.load(uid).case
        case.amend("slide id checked", "Bo")
        case.sign("Bo", counts)
        register.save(case, reviews=[ReviewDecision(1, "Bo", "2026-01-01T00:00:00Z",
                                                    "uninfected", "parasitized",
                                                    "parasitized")])


def record(data_folder, sample_id: str) -> tuple:
    """The case of ``sample_id`` as the register holds it: status, signer, amendments and
    review decisions."""
    with Register(data_folder) as register:
        uid = next(case.uid for case in register.cases() if case.facts.sample_id == sample_id)
        stored = register.load(uid)
    signed = stored.case.signed
    return (stored.case.uid, signed and signed.signature.name, stored.case.amendments,
            stored.reviews)


def test_an_amendment_of_a_case_signed_again_elsewhere_is_not_saved_over(
        screened_window, qtbot, data_folder, monkeypatch):
    """Amending a signed case that another window amended and signed again since it was
    read: the window amended its old copy, said "Amended" and then that the take was
    refused, and kept the amended copy on show. Now the amendment is refused before it
    begins, said once; nothing is saved over the signed record; opened again, the case is
    amended from the register's copy and signed."""
    window = screened_window
    review(window, 0)
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    uid = window.batch.case.uid
    assert_signed(data_folder, uid)
    assert window.case_flow.new_case(ask=False)
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    assert window.past_case.shown is not None  # signed: read-only
    amend_and_sign_elsewhere(data_folder, "S-RACE", window.batch.counts)  # after the read
    signed_elsewhere = record(data_folder, "S-RACE")
    assert signed_elsewhere[1] == "Bo" and len(signed_elsewhere[2]) == 1
    said = notes(window, monkeypatch)

    assert not amend_case(window, qtbot, "patient id mistyped", "Ann")
    assert_held_read_only(window, qtbot, said, "not amended")
    assert not window.batch.case.amending  # the copy on show is as it was read
    assert not [line for line in said if "Amended" in line]
    assert record(data_folder, "S-RACE") == signed_elsewhere

    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")  # read again
    assert window.batch.case.signed.signature.name == "Bo"
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    assert window.past_case.shown is None and window.controls.isEnabled()
    review(window, 2)
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert_signed(data_folder, uid)
    _, _, amendments, reviews = record(data_folder, "S-RACE")
    assert [amendment.by for amendment in amendments] == ["Bo", "Ann"]
    assert reviews[:len(signed_elsewhere[3])] == signed_elsewhere[3]
    assert len(reviews) == len(signed_elsewhere[3]) + 1
    assert not [line for line in said if "failed" in line]


def assert_held_read_only(window, qtbot, said: list[str], refused: str = "not opened") -> None:
    """The window said once that S-RACE changed (the case ``refused``), shows it read-only
    and saves nothing over it."""
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert [line for line in said if "S-RACE" in line] == [f"Case S-RACE {refused}: {CHANGED}"]
    assert window.past_case.shown is not None and "read-only" in window.windowTitle()
    assert not window.controls.isEnabled()
    assert not window.autosave.save_now()  # held: the old copy is not saved over


def test_an_amendment_of_a_case_signed_again_elsewhere_with_no_new_review_is_refused_first(
        screened_window, qtbot, data_folder, monkeypatch):
    """Amend's check counted only cells and review decisions: a case amended and signed again
    elsewhere with a fact corrected passed it, the window said "Amended", and then the
    register refused every save of the amendment ("has an amendment this copy lacks"). The
    check before the amendment and the take are one check now, of the case's amendments and
    sign-off too: the amendment is refused before it begins, said once."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case(ask=False)
    _resign_elsewhere_then_amend(window, qtbot, data_folder, monkeypatch)


def test_an_amendment_asked_while_a_save_runs_is_checked_before_it_begins(
        screened_window, qtbot, data_folder, tmp_path, monkeypatch, slow_save):
    """Amend's check was skipped while a save of the window's was under way, so the change
    elsewhere was found only by the take: the window said "Amended", then that the case was
    not opened, and the technician saw an amendment begin and end in one breath."""
    window = screened_window
    assert window.case_flow.sign("Ann Lee")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    assert window.case_flow.new_case(ask=False)
    window.case.update(sample_id="S-NEXT")
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "next", 3)[0].parent])
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    slow_save.start(window)  # a review of S-NEXT, its save under way until ended
    monkeypatch.setattr(case_dialogs, "ask_export_first", lambda *_, **__: dialogs.KEEP)
    _resign_elsewhere_then_amend(window, qtbot, data_folder, monkeypatch, slow_save)


def _resign_elsewhere_then_amend(window, qtbot, data_folder, monkeypatch,
                                 slow_save=None) -> None:
    """Open S-RACE, signed, from the register; amend it and sign it again elsewhere with a
    fact corrected and no review; then ask ``window`` to amend its copy: refused before it
    begins, said once, and nothing saved over the register (a ``slow_save`` ended first)."""
    window = open_past(open_register(window, qtbot), qtbot, "S-RACE")
    with Register(data_folder) as register:  # after the read, as a second window does
        case = register.load(window.batch.case.uid).case
        case.amend("patient id mistyped", "Bo")
        case.update(patient_id="P-7")
        case.sign("Bo", window.batch.counts)
        register.save(case)
    signed_elsewhere = record(data_folder, "S-RACE")
    said = notes(window, monkeypatch)

    assert slow_save is None or not window.autosave.writes.idle
    assert not amend_case(window, qtbot, "a cell misread", "Ann")
    if slow_save is not None:
        slow_save.end()
    assert_held_read_only(window, qtbot, said, "not amended")
    assert not window.batch.case.amending
    assert record(data_folder, "S-RACE") == signed_elsewhere
    assert not [line for line in said if "failed" in line or "Amended" in line]
