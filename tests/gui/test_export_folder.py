"""Where an export is offered: the folder the last report or register export went to, and
the user's Documents (or home) before any, never the images' folder; remembered across runs.
The save dialog stands in for the technician's choice and records the path it is offered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.gui.helpers import close_window, screen_and_wait
from tests.gui.test_register_dialog import WAIT_MS, open_register
from tests.images import make_cell_folder


@pytest.fixture
def save_dialog(monkeypatch):
    """The save dialog: each call records the path offered and writes the name offered in the
    folder that ``choose(folder)`` set last; returns ``(offered, choose)``."""
    offered: list[Path] = []
    chosen: list[Path] = []

    def ask(parent, title, suggested, *rest):
        offered.append(Path(suggested))
        return str(chosen[-1] / Path(suggested).name), ""

    def choose(folder: Path) -> None:
        folder.mkdir(exist_ok=True)
        chosen.append(folder)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    return offered, choose


def _ready_to_export(window, sample_id: str) -> None:
    """Every cell confirmed and a slide id typed: an export asks nothing first."""
    for row in range(len(window.batch)):
        window.batch.confirm(row)
    window.batch.set_sample_id(sample_id)


def _export_csv(window, qtbot) -> None:
    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.actions.export.trigger()


def test_the_first_export_is_offered_in_documents_then_where_the_last_went_after_a_restart(
        make_window, qtbot, tmp_path, home_folder, save_dialog, monkeypatch):
    """The first export was offered in the folder the images were opened from (often a
    microscope's share or a read-only archive), mixing reports with the data."""
    offered, choose = save_dialog
    documents, today = home_folder / "Documents", f"{dt.date.today():%Y-%m-%d}"
    documents.mkdir()
    images = tmp_path / "microscope"
    make_cell_folder(images, 4)
    window = make_window()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_, **__: str(images))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=WAIT_MS):
        window.actions.open_folder.trigger()  # File > Open folder…: the images' folder
    _ready_to_export(window, "S-1")
    choose(tmp_path / "reports")
    _export_csv(window, qtbot)
    assert offered[0] == documents / f"S-1_{today}.csv"
    choose(tmp_path / "pdfs")
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=WAIT_MS):
        window.actions.export_pdf.trigger()
    assert offered[1] == tmp_path / "reports" / f"S-1_{today}.pdf"
    close_window(window, qtbot)

    window = make_window()  # the next run offers the folder the PDF went to
    screen_and_wait(window, qtbot, [images])
    _ready_to_export(window, "S-2")
    _export_csv(window, qtbot)
    assert offered[2] == tmp_path / "pdfs" / f"S-2_{today}.csv"
    assert (tmp_path / "pdfs" / f"S-2_{today}.csv").is_file()
    assert not [path for path in images.iterdir() if path.suffix != ".png"]


def test_the_register_export_is_offered_in_home_without_documents_and_remembered(
        screened_window, qtbot, tmp_path, home_folder, save_dialog):
    """Home stands in for a Documents folder there is none of, and a folder since removed (a
    USB stick taken out) is not offered again."""
    offered, choose = save_dialog
    window = screened_window
    dialog = open_register(window, qtbot)
    choose(tmp_path / "lis")
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.export_all, Qt.MouseButton.LeftButton)
    assert offered[0] == home_folder / f"cases_{dt.date.today():%Y-%m-%d}.csv"
    dialog.reject()
    _ready_to_export(window, "S-3")
    _export_csv(window, qtbot)
    assert offered[1].parent == tmp_path / "lis"  # where the register export went
    for written in (tmp_path / "lis").iterdir():
        written.unlink()
    (tmp_path / "lis").rmdir()
    choose(tmp_path / "other")
    _export_csv(window, qtbot)
    assert offered[2].parent == home_folder
