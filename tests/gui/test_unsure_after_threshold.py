"""A cell marked unsure waits for a second reader whatever the threshold: moving it so the
model no longer flags the cell leaves the mark counted, asked about and signed for."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from malariascope.core.register import Register
from malariascope.gui.batch_controls import THRESHOLD_RANGE
from malariascope.gui.case_dialogs import SignDialog
from tests.gui.helpers import click, screen_and_wait, wait_for_box
from tests.reports import read_rows


def _type_threshold(window, qtbot, value: float) -> None:
    """Type ``value`` into the threshold box and press Enter, as a technician does."""
    spin = window.controls.threshold.spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, f"{value:.4f}")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.batch.facts.rule.threshold == round(value, 4)


def screen_slide(window, qtbot, tmp_path: Path, real_cells):
    """Screen the real cells as slide S-UNSURE in ``window``; its batch."""
    slide = tmp_path / "slide"
    slide.mkdir()
    for path in real_cells["parasitized"] + real_cells["uninfected"]:
        shutil.copy(path, slide / path.name)
    screen_and_wait(window, qtbot, [slide])
    window.batch.set_sample_id("S-UNSURE")
    return window.batch


def test_a_cell_marked_unsure_still_waits_after_the_threshold_moves_past_it(
        window, qtbot, tmp_path: Path, real_cells, data_folder: Path):
    """A cell marked unsure, the threshold then moved so the model flags it no more, fell out
    of "to review", of the question before signing and of the signature (0 not reviewed),
    the second reader it waited for forgotten: only the CSV still said unsure."""
    batch = screen_slide(window, qtbot, tmp_path, real_cells)
    row = min((row for row in range(len(batch)) if batch.results[row].ok
               and batch.results[row].probability > THRESHOLD_RANGE[0]),
              key=lambda row: batch.results[row].probability)
    _type_threshold(window, qtbot, batch.results[row].probability + 0.0001)
    assert batch.uncertain(row)  # in the band: the model flags it
    window.table.select_source_row(row)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Question)
    assert batch.review(row) == "unsure"
    _type_threshold(window, qtbot, 0.9)
    assert not batch.suspect(row)  # the model flags it no more; the mark stands
    for other in range(len(batch)):
        if other != row and batch.suspect(other) and not batch.reviewed(other):
            assert batch.confirm(other)

    assert window.summary.caption("suspects") == "to review, 1 unsure"
    assert window.case.result().unreviewed_flagged == 1
    window.actions.sign.trigger()
    box = wait_for_box(qtbot, window, "Flagged cells not reviewed")
    assert box.text().startswith("1 flagged cell marked unsure waits for a second reader")
    click(box, "Sign anyway")
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SignDialog)))
    dialog = next(d for d in window.findChildren(SignDialog) if d.isVisible())
    dialog.name.setText("Ann Lee")
    with qtbot.waitSignal(window.case_flow.saved, timeout=30_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    with Register(data_folder) as register:  # the signature as the register keeps it
        stored = register.load(window.case.case.uid)
    assert stored.case.signed.signature.unreviewed_flagged == 1
    report = tmp_path / "S-UNSURE.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=60_000):
        window.export_to(report)
    unsure = [cells for cells in read_rows(report) if cells["review"] == "unsure"]
    assert len(unsure) == 1 and unsure[0]["final_call"] == "uninfected"
