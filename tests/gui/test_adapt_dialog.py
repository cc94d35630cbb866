"""The Adapt to this lab form opens its pickers where the technician's files are: reviewed
cells and annotations where images were last opened, reviewed reports where reports were last
written, the new model's folder beside the one it suggests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton

from malariascope.gui import settings
from malariascope.gui.adapt_dialog import AdaptDialog


def test_the_adapt_pickers_open_where_images_and_reports_were_last(qtbot, tmp_path,
                                                                    monkeypatch):
    """Each picker opened in the working folder, whatever the technician had used."""
    images, reports, data = tmp_path / "microscope", tmp_path / "reports", tmp_path / "data"
    for folder in (images, reports, data):
        folder.mkdir()
    settings.remember_images_folder(images)
    settings.remember_export_folder(reports / "S-1_report.csv")
    opened_in: dict[str, str] = {}

    def record(parent, title, start="", *_):
        opened_in[title] = start
        return ([], "") if title == "Reviewed reports" else ("", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", record)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", record)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda parent, title, start="", *_: opened_in.update({title: start}) or "")
    dialog = AdaptDialog(data / "models" / "lab-1")  # not made yet: its parent neither
    qtbot.addWidget(dialog)
    for button in dialog.findChildren(QPushButton):
        if button.text() in ("Add &folder…", "Add &reports…", "Browse…"):
            button.click()
    assert {title: Path(start) for title, start in opened_in.items()} == {
        "Folder of reviewed cells or fields": images, "Reviewed reports": reports,
        "Annotations of the fields": images, "Folder for the adapted model": data}


def test_the_model_folder_picker_opens_in_the_export_folder_when_its_box_is_empty(
        qtbot, tmp_path, monkeypatch):
    """An emptied box opened the picker in the working folder."""
    reports = tmp_path / "reports"
    reports.mkdir()
    settings.remember_export_folder(reports / "S-1_report.csv")
    opened_in: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda parent, title, start="", *_: opened_in.append(start) or "")
    dialog = AdaptDialog(tmp_path / "models" / "lab-1")
    qtbot.addWidget(dialog)
    dialog.out_dir.setText("  ")
    browse = [button for button in dialog.findChildren(QPushButton) if button.text() == "Browse…"]
    browse[-1].click()  # the model folder's, below the annotations'
    assert [Path(start) for start in opened_in] == [reports]
