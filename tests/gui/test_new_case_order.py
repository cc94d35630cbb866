"""A new case's list starts in screening order: the sort of the case before stays with it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from malariascope.gui.results_table import FILE, PROB
from tests.gui.helpers import screen_and_wait
from tests.images import make_cell_folder


def test_the_next_case_opens_in_screening_order_whatever_the_last_was_sorted_by(
        window, qtbot, tmp_path):
    """Sorted by P(parasitized) for one case, the next case opened streamed its cells in
    sorted, each new row jumping into place, and its first cell was not the first screened."""
    screen_and_wait(window, qtbot, [make_cell_folder(tmp_path / "first", 6)[0].parent])
    window.table.sortByColumn(PROB, Qt.SortOrder.DescendingOrder)
    header = window.table.horizontalHeader()
    assert header.sortIndicatorSection() == PROB
    assert window.case_flow.new_case(ask=False)
    cells = make_cell_folder(tmp_path / "second", 6)
    screen_and_wait(window, qtbot, [cells[0].parent])
    assert header.sortIndicatorSection() == -1
    proxy = window.proxy
    shown = [proxy.index(row, FILE).data() for row in range(proxy.rowCount())]
    assert shown == [path.name for path in cells]  # as screened
    assert window.table.current_source_row() == 0
