"""How the gallery and the cell panel share a laptop's window, in the real window: whole
columns of tiles with no part-column left empty, the current tile kept in sight when the field
takes room under the gallery, the Grad-CAM legend read whole, and the case tab as narrow as
its panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from malariascope.gui.results_table import FILE, THUMB
from malariascope.gui.window_layout import PANEL_MIN_WIDTH
from tests.gui.helpers import resize_window, screen_and_wait
from tests.images import make_cell_folder, write_field


def _first_row(gallery) -> list:
    """The rectangles of the gallery's first row of tiles."""
    model = gallery.model()
    rects = [gallery.visualRect(model.index(at, THUMB)) for at in range(model.rowCount())]
    return [rect for rect in rects if rect.top() == rects[0].top()]


def _whole_columns(gallery) -> bool:
    """True once the gallery is as wide as its columns (Qt lays out a moment after a resize)."""
    row = _first_row(gallery)
    pitch = row[1].left() - row[0].left()
    return gallery.viewport().width() - row[-1].right() < pitch // 2


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_the_gallery_takes_whole_columns_and_gives_the_table_its_split_back(
        window, qtbot, tmp_path, size):
    """The gallery fills whole columns of tiles (8 at 1280 x 800 beside a cell panel still
    wide), and the table gets its own split back."""
    make_cell_folder(tmp_path / "cells", 60)
    resize_window(window, qtbot, *size)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    table_split = window.central.splitter.sizes()
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    gallery = window.gallery
    assert window.lists.gallery_shown()
    qtbot.waitUntil(lambda: _whole_columns(gallery))
    assert window.central.splitter.sizes()[1] >= PANEL_MIN_WIDTH
    row = _first_row(gallery)
    assert row[1].left() - row[0].left() <= 96 + 12  # the 96 px tiles, slim frame and ring
    gallery.set_thumb_size(128)  # as Ctrl+wheel zooms
    qtbot.waitUntil(lambda: _first_row(gallery)[0].width() > 128 and _whole_columns(gallery))
    assert window.central.splitter.sizes()[1] >= PANEL_MIN_WIDTH
    qtbot.keyClick(gallery, Qt.Key.Key_G)
    assert window.central.splitter.sizes() == table_split


def test_the_current_tile_stays_in_sight_when_the_field_shows_under_the_gallery(
        window, qtbot, tmp_path):
    """The field showing under the gallery took the bottom row's room: the current tile in it
    went out of sight. It shows as a screening that brought the slide's first field ends."""
    make_cell_folder(tmp_path / "slide", 40)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    window.table.sortByColumn(FILE, Qt.SortOrder.AscendingOrder)  # a field's cells last
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    gallery, proxy = window.gallery, window.proxy
    qtbot.waitUntil(lambda: _whole_columns(gallery))
    bar, area = gallery.verticalScrollBar(), gallery.viewport().rect()
    bar.setValue(bar.maximum())
    bottom = max(gallery.visualRect(proxy.index(at, THUMB)).bottom()
                 for at in range(proxy.rowCount()))
    tile = next(rect for rect in (gallery.visualRect(proxy.index(at, THUMB))
                                  for at in range(proxy.rowCount())) if rect.bottom() == bottom)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=tile.center())
    current = gallery.currentIndex()
    assert area.contains(tile) and not window.central.field_box.isVisible()
    (tmp_path / "with_field").mkdir()
    write_field(tmp_path / "with_field" / "field.png")
    screen_and_wait(window, qtbot, [tmp_path / "with_field"])  # added to the case, its cells last
    assert gallery.currentIndex() == current and window.central.field_box.isVisible()
    split = window.central.list_and_field
    qtbot.waitUntil(lambda: split.sizes()[1] > 0 and gallery.viewport().height() < area.height())
    assert gallery.viewport().rect().contains(gallery.visualRect(current))


def test_the_grad_cam_legend_reads_whole_in_a_1024_px_window(window, qtbot, tmp_path):
    """At 1024 px the caption "where the network sees a parasite" shows whole."""
    make_cell_folder(tmp_path / "cells", 8)
    resize_window(window, qtbot, 1024, 768)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])
    batch, detail = window.batch, window.detail
    window.table.select_source_row(next(row for row in range(len(batch)) if batch.suspect(row)))
    qtbot.waitUntil(lambda: detail._cell is not None, timeout=10_000)
    caption = detail.legend.caption
    assert caption.isVisible() and caption.text() == "where the network sees a parasite"
    metrics = caption.fontMetrics()

    def whole() -> bool:
        area = caption.contentsRect()
        if metrics.horizontalAdvance(caption.text()) <= area.width():
            return True
        lines = metrics.boundingRect(area, Qt.TextFlag.TextWordWrap, caption.text())
        return caption.wordWrap() and area.contains(lines)

    qtbot.waitUntil(whole)
    assert caption.font().pointSizeF() == detail.facts.font().pointSizeF()  # not shrunk


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=["1366x768", "1280x720"])
@pytest.mark.parametrize("gallery", [False, True], ids=["table", "gallery"])
def test_the_case_tab_fits_its_panel_without_a_sideways_scroll_bar(window, qtbot, tmp_path,
                                                                   size, gallery):
    """Beside the gallery at 1366 x 768 the case tab scrolled sideways: its three report
    buttons side by side were wider than the panel."""
    make_cell_folder(tmp_path / "cells", 30)  # more than a row of tiles
    resize_window(window, qtbot, *size)
    screen_and_wait(window, qtbot, [tmp_path / "cells"])  # the result fills the tab too
    window.central.tabs.setCurrentWidget(window.case_panel)
    if gallery:
        qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
        qtbot.waitUntil(lambda: _whole_columns(window.gallery))
    scroll = window.case_panel.findChild(QScrollArea)
    qtbot.waitUntil(lambda: scroll.widget().width() == scroll.viewport().width())
    assert scroll.horizontalScrollBar().maximum() == 0
    assert not scroll.horizontalScrollBar().isVisible()
