"""One threshold, one reading: the threshold box, the selected cell's panel and the PDF report
print the threshold that makes the calls with the same digits."""

from __future__ import annotations

from pathlib import Path

from malariascope.core.classifier import CallRule
from malariascope.core.pipeline import ScreeningResult
from malariascope.gui.batch import Batch
from malariascope.gui.cell_facts import CellFacts
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


def test_a_field_cell_just_under_a_moved_field_threshold_reads_under_it(qtbot):
    """Moved to 0.2, the card's field threshold becomes 0.954004677: the panel read it 0.9540
    beside a field cell's P of 0.954002 that it called uninfected."""
    batch = Batch()
    batch.set_model("m", "ab" * 32, CallRule(0.2, (0.1, 0.4), field_threshold=0.954004677))
    batch.extend([ScreeningResult(Path("field.jpg"), probability=0.9540023, whole_field=True,
                                  cell_index=1, box=(10, 5, 8, 9), image_shape=(600, 800))])
    facts = CellFacts(batch)
    qtbot.addWidget(facts)
    facts.show_row(0)
    assert batch.call(0) == "uninfected"
    shown_p = float(facts.text("P(parasitized)").split()[0])
    shown_threshold = float(facts.text("Threshold").split()[0])
    assert shown_p < shown_threshold


def test_a_four_decimal_threshold_keeps_four_decimals_beside_a_close_p(qtbot):
    """The card's own threshold read 0.50000 in the panel beside a P of 0.50001, where the box,
    the report and the CSV say 0.5000."""
    batch = Batch()
    batch.set_model("m", "ab" * 32, CallRule(0.5, (0.3, 0.7)))
    batch.extend([ScreeningResult(Path("cell.png"), probability=0.50001)])
    facts = CellFacts(batch)
    qtbot.addWidget(facts)
    facts.show_row(0)
    assert facts.text("Threshold") == "0.5000"
