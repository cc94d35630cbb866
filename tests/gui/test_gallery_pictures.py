"""The gallery's pictures in the real window with real cells: a tile whose picture is still
being read is a grey square, never black like the NIH cells' background, and shows its cell
once read, without a scroll."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage

from malariascope.gui.gallery_delegate import FRAME, READING, READING_LINES, RING
from malariascope.gui.results_table import THUMB
from tests.gui.helpers import _distance, screen_and_wait


def _pictures(gallery) -> dict[int, QPoint]:
    """The centre of each picture wholly in sight, by batch row (viewport coordinates)."""
    proxy, area, side = gallery.proxy(), gallery.viewport().rect(), gallery.thumb_size()
    centres = {}
    for at in range(proxy.rowCount()):
        tile = gallery.visualRect(proxy.index(at, THUMB))
        picture = QRect(tile.left() + RING + FRAME, tile.top() + RING + FRAME, side, side)
        if area.contains(tile):
            centres[proxy.source_row(at)] = picture.center()
    return centres


def _colour(image: QImage, point: QPoint, ratio: float) -> QColor:
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def test_a_tile_being_read_is_grey_then_shows_its_cell_without_a_scroll(
        window, qtbot, tmp_path, real_cells):
    """A tile used to be a near-black square until its picture was read: on a busy machine,
    tiles of a batch being screened looked like black cells for seconds."""
    folder = tmp_path / "cells"
    folder.mkdir()
    for path in real_cells["parasitized"] + real_cells["uninfected"]:
        shutil.copy(path, folder / path.name)
    screen_and_wait(window, qtbot, [folder])
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    gallery, batch = window.gallery, window.batch
    first = gallery.viewport().grab().toImage()  # its first paint: no picture is read yet
    ratio = first.devicePixelRatio()
    centres = _pictures(gallery)
    assert len(centres) >= 8
    assert {_colour(first, at, ratio).name() for at in centres.values()} <= {
        READING.name(), READING_LINES.name()}

    def cells_on_screen() -> bool:
        """Each picture in sight, as the window was last painted (no repaint asked here)."""
        screen = window.screen().grabWindow(window.winId()).toImage()
        origin = gallery.viewport().mapTo(window, QPoint(0, 0))
        for row, centre in _pictures(gallery).items():
            picture = gallery.thumbnails.get(row, batch.results[row])
            if picture is None:
                return False
            middle = picture.pixelColor(picture.width() // 2, picture.height() // 2)
            if _distance(_colour(screen, origin + centre, ratio), middle) > 24:
                return False
        return True

    qtbot.waitUntil(cells_on_screen, timeout=30_000)
