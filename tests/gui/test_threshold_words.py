"""One threshold, one reading: the threshold box, the selected cell's panel and the PDF report
print the threshold that makes the calls with the same digits."""

from __future__ import annotations

from tests.gui.helpers import _first_ok, screen_and_wait
from tests.reports import read_pdf


def test_the_box_the_panel_and_the_report_read_the_card_threshold_alike(
        window, qtbot, cell_folder, tmp_path):
    """The report printed "P ≥ 0.1873" where the threshold box and the panel showed 0.187: the
    card's threshold has four decimals and the box rounded it to three."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    threshold = window.batch.facts.rule.threshold
    shown = window.controls.threshold.spin.text()
    assert float(shown) == threshold  # the box shows the threshold that calls, not a rounding
    window.table.select_source_row(_first_ok(window.batch))
    assert window.detail.fact("Threshold") == shown
    path = tmp_path / "S-1.pdf"
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(path, size="A4")
    assert f"parasitized at P ≥ {shown};" in read_pdf(path)[1]
