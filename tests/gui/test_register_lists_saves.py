"""The register dialog lists what the window saved just before it was shown: a case kept for
later whose save is still on its way is listed once that save lands."""

from __future__ import annotations

from tests.gui.saving_faults import WAIT_MS, SlowSave, writes_done
from tests.gui.test_keep_for_later import answer
from tests.gui.test_register_dialog import open_register


def listed(dialog) -> list[str]:
    shown = dialog.table.model()
    return [shown.index(row, 0).data() for row in range(shown.rowCount())]


def test_a_case_kept_for_later_is_listed_once_its_save_lands_after_the_list(
        screened_window, qtbot, monkeypatch):
    """Kept for later, then File > Case register… at once: the list was read while the
    case's save waited, and it showed the case's slide as it was before."""
    window, slow = screened_window, SlowSave(monkeypatch)
    window.case_panel.sample_id.selectAll()
    qtbot.keyClicks(window.case_panel.sample_id, "S-KEPT")
    assert window.batch.case.facts.sample_id == "S-KEPT"
    slow.start(window)  # the save of the new slide id waits
    answer(window, "Keep for later")
    assert window.case_flow.new_case()
    dialog = open_register(window, qtbot)
    assert "S-KEPT" not in listed(dialog)  # read before the save landed
    slow.end()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "S-KEPT" in listed(dialog), timeout=WAIT_MS)
    assert "S-RACE" not in listed(dialog)
