"""File > Open recent: what it offers, and a folder it lists that has gone since."""

from __future__ import annotations

from tests.gui.helpers import screen_and_wait, wait_for_box
from tests.images import make_cell_folder


def recent_names(window) -> list[str]:
    return [action.text() for action in window.actions.recent_menu.actions()]


def test_a_recent_folder_moved_since_is_said_and_adds_no_error_row(window, qtbot, tmp_path):
    """Picking a recent folder moved since added a row "no such file or folder" to the case
    that nothing could take away, and the errors tile and the signed result's limits
    counted it."""
    kept = make_cell_folder(tmp_path / "kept", 2)[0].parent
    moved = make_cell_folder(tmp_path / "moved", 2)[0].parent
    screen_and_wait(window, qtbot, [moved])
    screen_and_wait(window, qtbot, [kept])
    rows = [(result.path, result.ok) for result in window.batch.results]
    moved.rename(tmp_path / "elsewhere")
    assert recent_names(window) == [str(kept.resolve()), str(moved.resolve())]
    window.actions.recent_menu.actions()[1].trigger()
    box = wait_for_box(qtbot, window, "Folder not found")
    assert f"Folder not found: {moved.resolve()}" in box.text()
    assert [(result.path, result.ok) for result in window.batch.results] == rows
    assert not window.controller.screening
    assert recent_names(window) == [str(kept.resolve())]
