"""The Case tab in the real window: the facts typed in its form, the lab's kept for the next
case and the next start, and what it counts in words."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea

from malariascope.core.tally import PARASITIZED, UNINFECTED
from malariascope.gui.settings import app_settings
from tests.gui import case_steps
from tests.gui.case_steps import _gather, _sign, _type_facts
from tests.gui.helpers import (
    SCREEN_TIMEOUT_MS,
    amend_case,
    close_window,
    screen_and_wait,
)
from tests.gui.saving_faults import writes_done
from tests.images import make_cell_folder

two_folders = case_steps.two_folders  # the fixture, shared


def test_spaces_typed_in_the_case_form_stay_where_they_are_typed(make_window, qtbot):
    panel = make_window(start=False).case_panel
    typed = {"site": "Ward 3 east", "patient_id": "P 917", "lab": "Central Lab, Kisumu"}
    for name, words in typed.items():
        qtbot.keyClicks(panel.lines[name], words)
    qtbot.keyClicks(panel.notes, "Fever for 3 days")
    facts = panel.case.case.facts
    assert {name: getattr(facts, name) for name in typed} == typed
    assert {name: panel.lines[name].text() for name in typed} == typed
    assert facts.notes == panel.notes.toPlainText() == "Fever for 3 days"


def test_new_case_starts_empty_and_keeps_the_labs_facts_also_after_a_restart(
        make_window, qtbot, two_folders):
    window = make_window()
    _type_facts(window, qtbot)
    assert window.case_panel.stain.currentText() == "not stated"  # until someone says
    window.case_panel.stain.setCurrentText("Field's")
    qtbot.keyClicks(window.case_panel.lab, "Central Lab, Kisumu")
    _gather(window, qtbot, two_folders[:1])
    _sign(window, qtbot)
    old = window.case.case
    assert window.case_flow.new_case()  # a signed case is kept: no question
    facts = window.case.case.facts
    assert len(window.batch) == 0 and window.case.case is not old and not window.case.signed
    assert (facts.sample_id, facts.patient_id) == ("", "")
    assert (facts.operator, facts.stain, facts.target_cells) == ("Ann Lee", "Field's", 100)
    assert facts.lab == "Central Lab, Kisumu" == window.case_panel.lab.text()
    assert window.case_panel.sample_id.text() == "" and window.case_panel.sample_id.isEnabled()
    assert window.central.tabs.currentWidget() is window.case_panel  # its facts on show
    close_window(window, qtbot)
    again = make_window(start=False).case.case.facts
    assert (again.lab, again.stain, again.operator) == ("Central Lab, Kisumu", "Field's",
                                                        "Ann Lee")


def test_the_labs_facts_outlast_a_crash(make_window, qtbot):
    """The lab's name, site, stain, microscopist and target were remembered only as the window
    closed: after a crash the next start had none of them."""
    window = make_window(start=False)
    qtbot.keyClicks(window.case_panel.operator, "Cy Oduya")
    window.case_panel.stain.setCurrentText("Field's")
    qtbot.keyClicks(window.case_panel.lab, "Lab after a crash")
    qtbot.waitUntil(lambda: app_settings().value("case/lab") == "Lab after a crash",
                    timeout=10_000)
    again = make_window(start=False).case.case.facts  # the first never closed
    assert (again.lab, again.stain, again.operator) == ("Lab after a crash", "Field's",
                                                        "Cy Oduya")


def test_folders_opened_as_the_model_comes_ready_are_all_screened(make_window, qtbot,
                                                                     two_folders):
    """Folders opened from a slot of model_ready (as scripts do) are screened one after the
    other: the queue starts once, whoever starts it first."""
    window = make_window(start=False)
    window.controller.model_ready.connect(
        lambda name: [window.open_paths([folder]) for folder in two_folders])
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS):
        window.start()
    assert len(window.batch) == 24 and window.controller.complete


def test_a_closed_window_writes_no_lab_facts_after_it_closed(make_window, qtbot, tmp_path):
    """The lab's facts were remembered a second after the last key, even once the window had
    closed: that late write went into the settings of whatever ran next (a test's new
    settings: "Ann LeeAnn Lee" as the next window's microscopist)."""
    from PySide6.QtCore import QSettings

    window = make_window()
    qtbot.keyClicks(window.case_panel.operator, "Ann Lee")
    window.close()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "after"))  # settings that are not this window's
    qtbot.wait(1500)
    assert app_settings().value("operator") is None


def test_an_empty_case_names_no_interval_it_does_not_have(window, qtbot, cell_folder):
    """An empty case read "Parasitemia –, Wilson interval"."""
    text = window.case_panel.result.text()
    assert "Parasitemia" in text and "Wilson" not in text
    screen_and_wait(window, qtbot, [cell_folder[0]])
    assert "(95 % CI" in window.case_panel.result.text()
    assert "Wilson interval" in window.case_panel.result.text()


def test_the_case_tab_counts_one_unreadable_file_and_one_amendment_in_the_singular(
        window, qtbot, tmp_path):
    """It read "1 files or fields (not counted)" and "amended 1 times"."""
    folder = tmp_path / "slide"
    make_cell_folder(folder, 3)
    (folder / "zero.png").write_bytes(b"")
    _type_facts(window, qtbot)
    screen_and_wait(window, qtbot, [folder])
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    assert amend_case(window, qtbot, "patient id mistyped", "Ann Lee")
    text = window.case_panel.result.text()
    assert "1 file (1 unreadable), not counted" in text and "amended 1 time;" in text
    qtbot.waitUntil(lambda: writes_done(window), timeout=60_000)  # Quit keeps the amendment


def test_the_case_tab_counts_one_reviewed_cell_in_the_singular(window, qtbot, tmp_path):
    """It read "Reviewed: 1 cells"."""
    make_cell_folder(tmp_path / "slide", 3)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    window.table.select_source_row(0)
    window.review_current(PARASITIZED)
    qtbot.waitUntil(lambda: "1 cell; flagged" in window.case_panel.result.text())
    window.table.select_source_row(1)
    window.review_current(UNINFECTED)
    qtbot.waitUntil(lambda: "2 cells; flagged" in window.case_panel.result.text())


def test_new_case_brings_the_form_back_to_its_slide_id(window, qtbot, cell_folder):
    """On a short screen the Case tab stayed scrolled down after New case: a click meant for
    the slide id landed in the target count."""
    window.resize(1024, 560)
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.central.show_case()
    scroll = window.case_panel.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)  # the form is taller than its room
    scroll.setValue(scroll.maximum())
    assert window.case_panel.sample_id.visibleRegion().isEmpty()
    assert window.case_flow.new_case(ask=False)
    qtbot.waitUntil(lambda: not window.case_panel.sample_id.visibleRegion().isEmpty())
