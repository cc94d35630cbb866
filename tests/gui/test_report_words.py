"""The words of a case's PDF report, written from the window and read back: each gallery's
heading says which cells it holds, so its count agrees with the counts above it."""

from __future__ import annotations

from malariascope.gui.batch import PARASITIZED
from tests.gui.case_steps import two_folders  # noqa: F401 (a fixture)
from tests.gui.helpers import screen_and_wait
from tests.reports import read_pdf


def test_the_uncertain_gallery_says_it_holds_the_cells_called_uninfected(
        window, qtbot, two_folders, tmp_path):  # noqa: F811
    """The report counted 9 uncertain cells, none reviewed, then pictured 7 under "Uncertain
    cells not reviewed (7, ...)": the 2 called parasitized were in the parasitized gallery,
    but the heading read as if 2 unreviewed uncertain cells were missing from the report."""
    screen_and_wait(window, qtbot, two_folders)
    batch = window.batch
    for threshold in sorted({round(result.probability, 3) for result in batch.results
                             if result.ok}):
        window.controls.threshold.spin.setValue(threshold)  # uncertain cells on both sides
        rows = [row for row in range(len(batch)) if batch.results[row].ok and batch.uncertain(row)]
        uninfected = [row for row in rows if batch.final_call(row) != PARASITIZED]
        if 0 < len(uninfected) < len(rows):
            break
    assert 0 < len(uninfected) < len(rows)
    path = tmp_path / "S-1.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    text = read_pdf(path)[1]
    assert f"Uncertain cells: {len(rows)}" in text
    assert (f"Uncertain or marked unsure cells called uninfected, not reviewed "
            f"({len(uninfected)}, highest probability first)") in text
