"""A batch restored after a crash, shown as the technician left it."""

from __future__ import annotations

from malariascope.gui.batch import Batch
from malariascope.gui.results_view import ResultsView


def select_where_stopped(batch: Batch, table: ResultsView) -> None:
    """Put the cursor where the technician stopped: on the cell after the one reviewed last,
    as a review moves on (on that cell itself when its review was taken back, or was the
    last of the list). A batch without reviews keeps the first cell."""
    if not batch.history:
        return
    last = batch.history[-1]
    after = table.source_row_after(last.row) if last.pressed else None
    table.select_source_row(last.row if after is None else after)
    table.scroll_to_current()
