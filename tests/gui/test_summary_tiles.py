"""The row of summary tiles keeps one height whatever its captions say, so the cell list
under it stays where it is as a case is worked through."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from malariascope.core.tally import percent_text
from malariascope.gui.batch import UNSURE
from malariascope.gui.case_result import parasitemia_text
from tests.gui.helpers import resize_window, screen_and_wait
from tests.gui.test_copies import _copied
from tests.images import write_broken_files, write_field


def _list_top(window) -> int:
    """Where the cell list starts in the window, once every layout has been redone."""
    QApplication.processEvents()
    return window.table.mapTo(window, QPoint(0, 0)).y()


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_the_tiles_keep_one_height_as_their_captions_change(window, qtbot, tmp_path, size):
    """At 1024x768 and at 1280x800 the row of tiles grew or shrank as the tile of the field's
    parasitemia came with fields, and as a caption changed ("target reached ✓", "to review,
    1 unsure"): the list under it jumped."""
    resize_window(window, qtbot, *size)
    tops = [_list_top(window)]  # no field yet: its tile is hidden
    (tmp_path / "fields").mkdir()
    for seed in range(3):  # over a hundred cells: a target can be reached
        write_field(tmp_path / "fields" / f"field_{seed}.png", seed)
    screen_and_wait(window, qtbot, [tmp_path / "fields"])
    batch, summary = window.batch, window.summary
    window.table.select_source_row(next(row for row in range(len(batch))
                                        if batch.results[row].in_field))
    assert summary._stats["field"].isVisible()
    tops.append(_list_top(window))
    suspect = next(row for row in range(len(batch)) if batch.suspect(row))
    assert batch.set_review(suspect, UNSURE)
    assert summary.caption("suspects") == "to review, 1 unsure"
    tops.append(_list_top(window))
    window.case.update(target_cells=100)
    assert summary.caption("cells") == "target reached ✓"
    tops.append(_list_top(window))
    window.case.update(target_cells=2_000)
    assert summary.caption("cells") == "cells counted / target"
    tops.append(_list_top(window))
    assert tops == [tops[0]] * 5


def _tooltip_over(widget) -> str:
    """The tooltip Qt shows with the pointer resting in the middle of ``widget``."""
    middle = widget.rect().center()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, middle,
                                              widget.mapToGlobal(middle)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_cut_caption_and_its_tiles_tip_show_together_anywhere_on_the_tile(
        window, qtbot, tmp_path, real_cells):
    """With the pointer on a cut caption, its tooltip (the caption in full) hid the tile's
    own tip: over the errors' caption, nothing said which files were left out."""
    cells = real_cells["parasitized"][:4] + real_cells["uninfected"][:3]
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-a")])
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-b")])
    for _ in range(2):  # as narrow as the window goes: then less, its captions cut
        window.resize(1, 768)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    tile, words = window.summary._stats["errors"], window.summary.caption("errors")
    qtbot.waitUntil(lambda: tile.caption.text() != words)  # cut
    for widget in (tile.caption, tile.value, tile):
        tip = _tooltip_over(widget)
        assert tip.startswith(f"{words}\n\n{len(cells)} files were left out as identical "
                              "copies"), tip
        assert "field-b/" in tip
        QToolTip.hideText()
    resize_window(window, qtbot, 1280, 800)  # whole again: the tile's tip alone
    qtbot.waitUntil(lambda: tile.caption.text() == words)
    assert tile.toolTip().startswith(f"{len(cells)} files were left out")


def test_the_copies_left_out_read_whole_under_the_errors_at_1024(window, qtbot, tmp_path,
                                                                  real_cells):
    """At 1024x768, with the tile of the field's parasitemia shown, "errors (12 copy files
    left out)" was cut to "errors (12 / copy files l…"."""
    resize_window(window, qtbot, 1024, 768)
    files = [*real_cells["parasitized"][:6], *real_cells["uninfected"][:5],
             write_field(tmp_path / "field.png")[0]]
    screen_and_wait(window, qtbot, [_copied(files, tmp_path / "field-a")])
    screen_and_wait(window, qtbot, [_copied(files, tmp_path / "field-b")])
    summary = window.summary
    window.table.select_source_row(next(row for row in range(len(window.batch))
                                        if window.batch.results[row].in_field))
    qtbot.waitUntil(summary._stats["field"].isVisible)
    QApplication.processEvents()
    tile = summary._stats["errors"]
    assert summary.caption("errors") == "errors, 12 copies"
    assert tile.caption.text() == summary.caption("errors")  # whole: not cut
    assert tile.toolTip().startswith("12 files were left out as identical copies of files "
                                     "screened: field-b/")


def test_copies_left_out_are_not_called_errors_under_the_errors(window, qtbot, tmp_path,
                                                                 real_cells):
    """With 4 unreadable files and 2 copies left out the tile read "4 errors (2 files left
    out)", as if the copies were among the errors or errors themselves; the tip says they
    were left out."""
    cells = real_cells["parasitized"][:2]
    folder = _copied(cells, tmp_path / "field-a")
    write_broken_files(folder / "broken")
    screen_and_wait(window, qtbot, [folder])
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-b")])
    summary = window.summary
    assert (summary.text("errors"), window.controller.extent.copies.count) == ("4", 2)
    assert summary.caption("errors") == "errors, 2 copies"
    assert summary._stats["errors"].caption.text() == summary.caption("errors")  # not cut
    assert summary._stats["errors"].toolTip().startswith("2 files were left out as identical "
                                                         "copies")


def test_the_percent_tile_reads_as_the_case_panel_and_the_cli(window, qtbot, tmp_path,
                                                               real_cells):
    """The tile rounded the parasitemia to one decimal (4 of 7: 57.1) where the case panel,
    the report and the CLI give two (57.14)."""
    cells = real_cells["parasitized"][:4] + real_cells["uninfected"][:3]
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "seven")])
    counts = window.batch.counts
    assert counts.classified == 7 and 0 < counts.parasitized < 7  # a share of sevenths
    shown = window.summary.text("percent")
    assert shown == percent_text(counts.percent_parasitized) == counts.percent_text(2)
    assert parasitemia_text(window.case.result()).startswith(f"{shown} % ")
