"""The window tells a file that could not be read from an image read and refused (grey,
blank) wherever it names a file without a call: the gallery's tile, the empty review queue,
the detail panel and the smoke test's failure; real cells, real files, the real window."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QRect, Qt

from malariascope.core.withoutcall import BLANK, GREY
from malariascope.gui.gallery_delegate import FRAME, RING
from malariascope.gui.results_proxy import Filter
from malariascope.gui.results_table import THUMB
from tests.gui.helpers import screen_and_wait
from tests.gui.test_app import _run
from tests.images import write_rgb


def _write_refused(folder: Path, cell: Path) -> Path:
    """A real cell turned grey and a blank image of one colour in ``folder``: both read, and
    refused as no stained cell image."""
    folder.mkdir(parents=True, exist_ok=True)
    grey = cv2.cvtColor(cv2.imread(str(cell)), cv2.COLOR_BGR2GRAY)
    write_rgb(folder / "grey.png", np.dstack([grey] * 3))
    write_rgb(folder / "blank.png", np.full((120, 120, 3), (205, 160, 190), np.uint8))
    return folder


def _slide(tmp_path: Path, real_cells) -> Path:
    """Three real cells, a grey and a blank image, and a real cell cut short (unreadable)."""
    folder = _write_refused(tmp_path / "slide", real_cells["parasitized"][0])
    for cell in real_cells["parasitized"][:2] + real_cells["uninfected"][:1]:
        shutil.copy(cell, folder / cell.name)
    data = real_cells["uninfected"][1].read_bytes()
    (folder / "cut.png").write_bytes(data[: len(data) // 3])
    return folder


def _row_of(window, name: str) -> int:
    return next(row for row, result in enumerate(window.batch.results) if result.path.name == name)


def test_a_grey_or_blank_images_tile_says_refused_not_unreadable(
    window, qtbot, tmp_path, real_cells
):
    """The tile of a grey or a blank image said "unreadable", as a file cut short does,
    though both were read and refused as no stained cell image."""
    screen_and_wait(window, qtbot, [_slide(tmp_path, real_cells)])
    assert (window.batch.counts.classified, window.batch.counts.errors) == (3, 3)
    qtbot.keyClick(window.lists.focusProxy(), Qt.Key.Key_G)
    window.set_filter(Filter.ERRORS)
    gallery, proxy = window.gallery, window.proxy
    assert window.lists.gallery_shown() and proxy.rowCount() == 3
    shot = gallery.viewport().grab().toImage()
    ratio, side = shot.devicePixelRatio(), gallery.thumb_size()
    pictures = {}
    for at in range(proxy.rowCount()):
        tile = gallery.visualRect(proxy.index(at, THUMB))
        assert gallery.viewport().rect().contains(tile)
        left, top = tile.left() + RING + FRAME, tile.top() + RING + FRAME
        picture = QRect(
            round(left * ratio), round(top * ratio), round(side * ratio), round(side * ratio)
        )
        pictures[window.batch.results[proxy.source_row(at)].path.name] = shot.copy(picture)
    # the same words on the two refused, other words on the file that could not be read
    assert pictures["grey.png"] == pictures["blank.png"]
    assert pictures["grey.png"] != pictures["cut.png"]
    words = gallery.itemDelegate().no_picture_words
    assert [words(_row_of(window, name)) for name in ("grey.png", "blank.png", "cut.png")] == [
        "refused",
        "refused",
        "unreadable",
    ]


def test_the_empty_review_queue_of_refused_images_does_not_say_none_could_be_read(
    window, qtbot, tmp_path, real_cells
):
    """With only a grey and a blank image, the empty review queue said "no image could be
    read", though both were read; beside a file cut short it said the same."""
    refused = _write_refused(tmp_path / "refused", real_cells["parasitized"][0])
    screen_and_wait(window, qtbot, [refused])
    window.show_queue()
    assert window.proxy.rowCount() == 0
    assert window.proxy.why_empty() == (
        "No cells to review: no file has a call — 2 refused as no stained cell image (see Errors)"
    )

    assert window.case_flow.new_case(ask=False)
    data = real_cells["uninfected"][0].read_bytes()
    (refused / "cut.png").write_bytes(data[: len(data) // 3])
    screen_and_wait(window, qtbot, [refused])
    window.show_queue()
    assert window.proxy.why_empty() == (
        "No cells to review: no file has a call — 1 unreadable, 2 refused as no stained "
        "cell image (see Errors)"
    )


def test_the_detail_panel_says_a_grey_image_was_read_and_refused(
    window, qtbot, tmp_path, real_cells
):
    """The panel said "Could not read this file:" of a grey or blank image, before a reason
    saying that the image had been read."""
    screen_and_wait(window, qtbot, [_slide(tmp_path, real_cells)])
    canvas = window.detail.canvas
    for name, reason in (("grey.png", GREY), ("blank.png", BLANK)):
        window.table.select_source_row(_row_of(window, name))
        assert canvas.message == (
            f"Read, and refused as no stained cell image:\n{reason}"
            "\n\nNo call: nothing to review, no Grad-CAM"
        )
    window.table.select_source_row(_row_of(window, "cut.png"))
    assert canvas.message.startswith("Could not read this file:\n")


def test_the_smoke_test_on_refused_images_fails_saying_they_were_refused(tmp_path, real_cells):
    """On a grey and a blank image the smoke test failed with "no image could be read"."""
    folder = _write_refused(tmp_path / "refused", real_cells["parasitized"][0])
    done = _run("gui", "--smoke-test", str(folder), tmp_path=tmp_path)
    assert done.returncode != 0
    assert (
        "smoke test failed: no file has a call — 2 refused as no stained cell image" in done.stderr
    ), done.stderr
