"""The real window on a 1024 x 600 laptop screen, with cells and a whole field screened:
it can be made as short as the screen leaves it, and the review buttons and the status bar
stay in sight at that height."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from malariascope.gui.fitted_scroll import FittedScroll
from tests.gui.helpers import field_pane_laid_out, resize_window, screen_and_wait
from tests.images import write_field

#: A 1024 x 600 screen less a title bar and a task bar (about 40 px each).
SMALL_ROOM = (1024, 520)


def _in_window(window: QWidget, widget: QWidget) -> bool:
    """True when ``widget`` shows whole, at least as tall as it asks, inside ``window``."""
    place = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return (widget.isVisible() and widget.height() >= widget.minimumSizeHint().height()
            and window.rect().contains(place))


def test_the_window_fits_a_1024_by_600_screen_with_its_review_buttons(window, qtbot,
                                                                       mixed_folder):
    """The window could not be made shorter than 627 px (675 offscreen): on a 1024 x 600
    screen the review buttons, the cell's last facts and the status bar were below it."""
    folder, _ = mixed_folder  # real and generated cells, broken files
    write_field(folder / "field.png")
    screen_and_wait(window, qtbot, [folder])
    field_pane_laid_out(window, qtbot)
    batch = window.batch
    row = next(row for row in range(len(batch))
               if batch.results[row].whole_field and batch.suspect(row))
    assert window.table.select_source_row(row)  # the overlay and its legend show too
    qtbot.waitUntil(lambda: window.detail._cell is not None, timeout=10_000)
    width, height = SMALL_ROOM
    assert window.minimumSizeHint().height() <= height
    assert window.minimumSize().height() <= height
    facts = window.detail.findChild(FittedScroll)  # at 1280 x 800 they show whole, unscrolled
    qtbot.waitUntil(lambda: facts.widget().height() <= facts.viewport().height())
    resize_window(window, qtbot, width, height)
    detail = window.detail
    assert detail.legend.isVisible()
    for widget in (*detail.review_buttons.findChildren(QWidget), window.statusBar(),
                   window.central.field_box):
        assert _in_window(window, widget), widget
    assert detail.canvas.height() >= detail.canvas.minimumHeight() > 0
    window.central.show_case()  # the Case tab keeps to the same height
    assert window.minimumSizeHint().height() <= height
