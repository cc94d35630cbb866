"""Copies left out of a folder searched again, in the real window with real cells: the
search finds them again, and the case counts each of them once, as its records say."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from malariascope.core.extent import Extent
from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS, SCREEN_TIMEOUT_MS, screen_and_wait
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_quit_during_screening import gated_folder
from tests.gui.test_screen_rest import reopen

CELLS = 140  # of the gated folder, besides its copies


@pytest.fixture
def cut_short_with_copies(make_window, qtbot, monkeypatch, cell_test_dir, tmp_path):
    """A window whose case S-KILL-1, the gated folder of 140 real cells and 2 copies of
    them sorting first, was cancelled at the gate: its copies left out, its rest not."""
    folder = tmp_path / "held"
    gate = gated_folder(monkeypatch, cell_test_dir, folder, CELLS)
    for number in range(2):
        shutil.copy(folder / f"cell_{number:03}.png", folder / f"a_copy_{number}.png")
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window, [folder])
    qtbot.waitUntil(lambda: gate.reached.is_set() and len(window.batch) > 0, timeout=WAIT_MS)
    window.controller.cancel()
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    assert not window.controller.complete and window.controller.extent.copies.count == 2
    window.case.update(sample_id="S-KILL-1")
    yield window
    gate.open()


def copies_named(copies) -> list[str]:
    """The names of the files ``copies`` names as left out, in order of name."""
    return sorted(Path(name.split(" ")[0]).name for name in copies.named)


def test_copies_left_out_before_a_cancel_count_once_when_the_rest_is_screened(
    cut_short_with_copies, qtbot
):
    """Reopened and its rest screened, the case said 4 files were left out as copies: the
    search again of the folder found its 2 copies again, and counted them again."""
    window = reopen(cut_short_with_copies, qtbot, len(cut_short_with_copies.batch))
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        window.actions.screen_rest.trigger()
    assert done.args == [CELLS, True] and window.controller.complete
    copies = window.controller.extent.copies
    assert copies.count == 2 and copies_named(copies) == ["cell_000.png", "cell_001.png"]
    assert copies.words().startswith("2 files were left out as identical copies")
    assert window.summary.caption("errors") == "errors, 2 copies"


def slide_with_copies(tmp_path, real_cells) -> Path:
    """A folder of 4 real cells and 2 copies of them, sorting last."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for number, path in enumerate(real_cells["uninfected"][:4]):
        shutil.copy(path, folder / f"cell_{number:03}.png")
    for number in range(2):
        shutil.copy(folder / f"cell_{number:03}.png", folder / f"z_copy_{number}.png")
    return folder


def test_copies_count_once_when_a_complete_folder_is_opened_again(
    window, qtbot, tmp_path, real_cells
):
    """Opened again, a screened folder's files stayed out as held, but its copies were
    counted once more each time."""
    folder = slide_with_copies(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    assert window.controller.extent.copies.count == 2
    screen_and_wait(window, qtbot, [folder])
    copies = window.controller.extent.copies
    assert len(window.batch) == 4 and copies.count == 2
    assert copies_named(copies) == ["z_copy_0.png", "z_copy_1.png"]


def test_copies_count_once_when_a_folder_is_opened_again_by_a_links_spelling(
    window, qtbot, tmp_path, real_cells
):
    """Opened again by a symbolic link to it, a screened folder's files stayed out as held,
    but its 2 copies were counted again: the case said 4 files were left out."""
    folder = slide_with_copies(tmp_path, real_cells)
    link = tmp_path / "link"
    link.symlink_to(folder, target_is_directory=True)
    screen_and_wait(window, qtbot, [folder])
    screen_and_wait(window, qtbot, [link])
    copies = window.controller.extent.copies
    assert len(window.batch) == 4 and copies.count == 2


def screen_again(window, qtbot, paths, recursive: bool = True) -> None:
    """Screen ``paths`` in ``window``, searched ``recursive``ly, and wait until it ends."""
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        window.controller.screen(paths, recursive=recursive)
    assert done.args[1], "screening did not complete"


def slide_with_copies_in_a_subfolder(tmp_path, real_cells) -> Path:
    """The slide of :func:`slide_with_copies`, and a subfolder ``sub`` of 1 real cell and a
    copy of one of the slide's cells, searched after them."""
    folder = slide_with_copies(tmp_path, real_cells)
    (folder / "sub").mkdir()
    shutil.copy(real_cells["uninfected"][4], folder / "sub" / "cell_004.png")
    shutil.copy(folder / "cell_002.png", folder / "sub" / "z_copy_2.png")
    return folder


def test_copies_count_once_when_a_subfolder_of_a_folder_is_opened_again(
    window, qtbot, tmp_path, real_cells
):
    """Opened again alone, a subfolder of a screened folder found its copy again and the
    case counted it twice: it said 4 files were left out, not 3."""
    folder = slide_with_copies_in_a_subfolder(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    screen_and_wait(window, qtbot, [folder / "sub"])
    copies = window.controller.extent.copies
    assert len(window.batch) == 5 and copies.count == 3
    assert copies_named(copies) == ["z_copy_0.png", "z_copy_1.png", "z_copy_2.png"]


def test_copies_count_once_when_a_folder_is_searched_again_without_its_subfolders(
    window, qtbot, tmp_path, real_cells
):
    """Searched again without its subfolders, a folder found its own 2 copies again and the
    case counted them twice (5 left out); searched whole again after, 3 once more."""
    folder = slide_with_copies_in_a_subfolder(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    screen_again(window, qtbot, [folder], recursive=False)
    assert window.controller.extent.copies.count == 3
    screen_again(window, qtbot, [folder], recursive=True)
    copies = window.controller.extent.copies
    assert len(window.batch) == 5 and copies.count == 3


def test_a_copy_deleted_before_its_folder_is_searched_again_is_no_longer_named(
    window, qtbot, tmp_path, real_cells
):
    """A copy deleted, then its folder searched again: the case counted it no more, but
    still named it among the files left out, in the record saved too."""
    folder = slide_with_copies(tmp_path, real_cells)
    screen_and_wait(window, qtbot, [folder])
    (folder / "z_copy_1.png").unlink()
    screen_and_wait(window, qtbot, [folder])
    saved = json.loads(json.dumps(window.controller.extent.to_dict()))
    copies = Extent.from_dict(saved).copies
    assert copies.count == 1 and copies_named(copies) == ["z_copy_0.png"]
    assert copies.words() == ("1 file was left out as identical copies of files screened: "
                              "slide/z_copy_0.png (copy of slide/cell_000.png).")
