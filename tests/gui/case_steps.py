"""Steps of the GUI tests of a case: two folders of one slide, the case's facts typed, its
folders gathered and the case signed through the window's dialogs."""

from __future__ import annotations

import shutil

import pytest

from malariascope.core.tally import PARASITIZED
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.helpers import SCREEN_TIMEOUT_MS, click, wait_for_box


@pytest.fixture
def two_folders(tmp_path, real_cells):
    """Two fields of one slide, as folders: real parasitized cells, real uninfected ones."""
    folders = []
    for label in ("parasitized", "uninfected"):
        folder = tmp_path / f"{label}-cells"
        folder.mkdir()
        for path in real_cells[label]:
            shutil.copy(path, folder / path.name)
        folders.append(folder)
    return folders


def _printed_cells(batch) -> int:
    """The cells a report pictures: those finally parasitized, and the uncertain ones nobody
    reviewed."""
    return sum(1 for row in range(len(batch)) if batch.results[row].ok and (
        batch.final_call(row) == PARASITIZED or (batch.uncertain(row) and not batch.reviewed(row))))


def _type_facts(window, qtbot) -> None:
    panel = window.case_panel
    window.central.show_case()
    qtbot.keyClicks(panel.sample_id, "S-2026-0412")
    qtbot.keyClicks(panel.patient_id, "P-00917")
    qtbot.keyClicks(panel.operator, "Ann Lee")
    panel.target.setValue(100)


def _gather(window, qtbot, folders) -> None:
    """Open the folders one after the other, as fast as a technician clicks: they queue."""
    with qtbot.waitSignal(window.controller.screening_finished,
                          timeout=SCREEN_TIMEOUT_MS) as blocker:
        for folder in folders:
            assert window.open_paths([folder])
    assert blocker.args[1], "screening did not complete"


def _sign(window, qtbot, name: str = "Ann Lee") -> None:
    """Sign through the dialogs: Sign anyway over the flagged cells, then the signature."""
    window.actions.sign.trigger()
    if window.case.result().unreviewed_flagged:
        click(wait_for_box(qtbot, window, "Flagged cells not reviewed"), "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    dialog.name.setText(name)
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        dialog.ok.click()
