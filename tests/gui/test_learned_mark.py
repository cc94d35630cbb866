"""The window marks the rows of images its adapted model learned from, and counts them."""

from __future__ import annotations

from malariascope.gui.results_table import ERROR, LEARNED_TEXT, LEARNED_TIP, TOOLTIP
from tests.gui.helpers import MODEL_TIMEOUT_MS, screen_and_wait
from tests.test_cli_learned import adapted_lab, unseen_cell


def test_rows_of_learned_images_are_marked_and_the_status_bar_counts_them(window, qtbot,
                                                                          tmp_path):
    """Screened with the model adapted on them, the lab's own cells looked like any others:
    nothing on their rows or in the status bar said the model had learned their labels."""
    cells, model = adapted_lab(tmp_path / "lab")
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        window.models.use(model)
    learned = sorted((cells / "uninfected" / "S1").glob("*.png"))[:2]
    unseen = unseen_cell(tmp_path / "new")
    screen_and_wait(window, qtbot, [*learned, unseen])
    table = window.table_model
    notes = {table.batch.results[row].path.name: table.index(row, ERROR).data()
             for row in range(table.rowCount())}
    assert notes == {learned[0].name: LEARNED_TEXT, learned[1].name: LEARNED_TEXT,
                     "unseen.png": ""}
    row = next(row for row in range(table.rowCount())
               if table.batch.results[row].path == learned[0])
    assert table.index(row, ERROR).data(TOOLTIP).endswith(LEARNED_TIP)
    assert LEARNED_TEXT in table.spoken(row)
    mark = window.statusBar().learned_mark
    assert mark.isVisible() and mark.text() == "⚠ 2 images learned in adaptation"
    assert mark.toolTip() == (f"2 images were learned by model {model.name} in adaptation: "
                              "their calls are not an independent check.")
    window.case_flow.new_case(ask=False)
    assert not mark.isVisible()
