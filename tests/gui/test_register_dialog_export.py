"""The register dialog exports the register, or the cases selected, never over a file
unasked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.gui.helpers import wait_for_box
from tests.gui.test_register_dialog import WAIT_MS, dialog, filed, select  # noqa: F401
from tests.reports import read_rows


def test_the_register_or_a_selection_is_exported_never_over_a_file_unasked(
        dialog, qtbot, tmp_path):  # noqa: F811
    everything, chosen = tmp_path / "all.csv", tmp_path / "chosen.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        dialog.exports.export_to(everything, selected=False)
    assert done.args == [str(everything), 3]
    assert sorted(row["sample_id"] for row in read_rows(everything)) == ["S-1", "S-2", "X-3"]
    select(dialog, "X-3")
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.exports.export_to(chosen, selected=True)
    (row,) = read_rows(chosen)
    assert dialog.note.text() == f"1 case written to {chosen}"
    assert (row["sample_id"], row["signed_by"], row["percent_parasitized"]) == (
        "X-3", "Cy", "30.00")
    before = chosen.read_bytes()
    select(dialog, "S-1")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as failed:
        dialog.exports.export_to(chosen, selected=True)
    assert "exists" in failed.args[0] and chosen.read_bytes() == before
    box = wait_for_box(qtbot, dialog, "Export failed")
    assert "Traceback" not in box.text()
    box.close()
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.exports.export_to(chosen, selected=True, overwrite=True)
    assert [row["sample_id"] for row in read_rows(chosen)] == ["S-1"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_export_buttons_write_the_file_chosen_in_the_save_dialog(
        dialog, qtbot, tmp_path, monkeypatch):  # noqa: F811
    chosen = tmp_path / "register"  # typed without ".csv": the dialog adds it
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(chosen), "CSV files (*.csv)"))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS) as done:
        qtbot.mouseClick(dialog.export_all, Qt.MouseButton.LeftButton)
    assert done.args == [str(tmp_path / "register.csv"), 3]
    select(dialog, "S-2")
    chosen = tmp_path / "one.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.export_selected, Qt.MouseButton.LeftButton)
    assert [row["sample_id"] for row in read_rows(chosen)] == ["S-2"]

