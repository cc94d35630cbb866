"""A case of images its adapted model learned from, signed, then reopened from the register:
its rows, the status bar, its CSV and its PDF say so as the screening did."""

from __future__ import annotations

from malariascope.gui.results_table import ERROR, LEARNED_TEXT
from tests.gui.case_steps import _type_facts
from tests.gui.helpers import MODEL_TIMEOUT_MS, screen_and_wait
from tests.gui.test_case_records import _pdf_text
from tests.gui.test_register_dialog import open_past, open_register
from tests.reports import read_rows
from tests.test_cli_learned import adapted_lab, unseen_cell


def test_a_reopened_case_marks_the_images_its_model_learned(data_folder, window, qtbot,
                                                            tmp_path):
    """Reopened from the register, the case's rows and status bar said nothing of learning,
    its CSV left learned_in_adaptation empty and its PDF printed it as any other case."""
    cells, model = adapted_lab(tmp_path / "lab")
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        window.models.use(model)
    learned = sorted((cells / "parasitized" / "S1").glob("*.png"))[:2]
    screen_and_wait(window, qtbot, [*learned, unseen_cell(tmp_path / "new")])
    _type_facts(window, qtbot)
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    window.case_flow.new_case(ask=False)
    open_past(open_register(window, qtbot), qtbot, "S-2026-0412")
    table = window.table_model
    assert {table.batch.results[row].path.name: table.index(row, ERROR).data()
            for row in range(table.rowCount())} == {
        learned[0].name: LEARNED_TEXT, learned[1].name: LEARNED_TEXT, "unseen.png": ""}
    mark = window.statusBar().learned_mark
    assert mark.isVisible() and mark.text() == "⚠ 2 images learned in adaptation"
    warning = (f"2 images were learned by model {model.name} in adaptation: their calls are "
               "not an independent check.")
    assert mark.toolTip() == warning
    report = tmp_path / "again.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    assert {row["image_path"].rsplit("/", 1)[-1]: row["learned_in_adaptation"]
            for row in read_rows(report)} == {learned[0].name: "true",
                                              learned[1].name: "true", "unseen.png": "false"}
    text = _pdf_text(window, qtbot, tmp_path / "again.pdf")
    assert warning in text
    assert text.count(LEARNED_TEXT) == 2  # on the two learned cells' pictures
