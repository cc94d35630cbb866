"""The register dialog shows only what a search just found: a search that cannot run lists
nothing (and nothing is opened or exported from it), and a case discarded since it was listed
leaves the list, as it is shown again, refreshed, or opened."""

from __future__ import annotations

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
from malariascope.gui.register_dialog import RegisterDialog
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.gui.test_keep_for_later import answer
from tests.gui.test_register_dialog import filed, listed, open_register, select  # noqa: F401
from tests.reports import read_rows


def slides(dialog: RegisterDialog) -> list[str]:
    return sorted(case.facts.sample_id for case in dialog.model.cases)


def test_a_date_that_cannot_be_searched_lists_nothing_even_after_a_discard(
        filed, screened_window, qtbot, tmp_path):  # noqa: F811
    """With 2026-13-45 typed in Date, the list of the search before stayed, and shown again
    after the window's open case was discarded it still listed that case (opening it said
    "no case … in …/cases.sqlite"), while Export all found wrote the 3 cases left."""
    window = screened_window
    dialog = open_register(window, qtbot)
    assert slides(dialog) == ["S-1", "S-2", "S-RACE", "X-3"]
    qtbot.keyClicks(dialog.date_from, "2026-13-45")
    dialog.search()
    assert dialog.note.text().startswith("Cannot search: '2026-13-45' is not a date")
    assert slides(dialog) == [] and not dialog.more.isVisible()
    assert not dialog.export_all.isEnabled() and not dialog.open_button.isEnabled()
    dialog.reject()

    answer(window, "Discard")
    assert window.case_flow.new_case()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    window.actions.cases.trigger()
    assert dialog.isVisible() and dialog.date_from.text() == "2026-13-45"
    assert dialog.note.text().startswith("Cannot search:") and slides(dialog) == []
    dialog.exports.export_to(tmp_path / "none.csv", selected=False)  # nothing found to write
    assert listed(dialog, qtbot, dialog.date_from.clear) == ["S-1", "S-2", "X-3"]
    everything = tmp_path / "all.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.exports.export_to(everything, selected=False)
    assert done.args[1] == len(dialog.model.cases) == 3
    assert sorted(row["sample_id"] for row in read_rows(everything)) == slides(dialog)
    assert not (tmp_path / "none.csv").exists()


def test_a_case_discarded_elsewhere_leaves_the_list_as_it_is_opened_or_refreshed(
        filed, screened_window, qtbot, data_folder):  # noqa: F811
    """Another window discarding a listed case left its row; opening it said "no case
    0ff3bbb8 in …/cases.sqlite" in the note, and the row stayed to be opened again."""
    window = screened_window
    dialog = open_register(window, qtbot)
    with Register(data_folder) as elsewhere:  # another window's register
        elsewhere.discard(filed["S-2"].uid)
    select(dialog, "S-2")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS):
        dialog.open_selected()
    assert dialog.note.text() == ("Case S-2 is no longer in the register: it was discarded "
                                  "since it was listed")
    assert slides(dialog) == ["S-1", "S-RACE", "X-3"] and not dialog.open_button.isEnabled()

    begun = Case(CaseFacts(sample_id="S-4"), filed["S-2"].model, filed["S-2"].model_sha256)
    with Register(data_folder) as elsewhere:
        elsewhere.save(begun)
    dialog.refresh()  # as a write of the window's lands
    qtbot.waitUntil(lambda: "S-4" in slides(dialog), timeout=WAIT_MS)
    with Register(data_folder) as elsewhere:
        elsewhere.discard(begun.uid)
    dialog.refresh()
    qtbot.waitUntil(lambda: slides(dialog) == ["S-1", "S-RACE", "X-3"], timeout=WAIT_MS)
