"""A case cut short records which image files it found but had not screened, by name
relative to their folder, so that screening its rest tells which of them are gone: files
added to its folder since, or a screened file renamed in place, do not stand in for them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from malariascope.core.register import Register
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_quit_during_screening import gated, held  # noqa: F401
from tests.gui.test_screen_rest import reopen
from tests.gui.test_screen_rest_gone import screen_rest, stays_partial, unscreened

CELLS = 140  # of the gated folder


def cancel(held, qtbot) -> Path:  # noqa: F811
    """Cancel the screening of the :func:`held` window at its gate, its case S-KILL-1; the
    folder it screened."""
    window, gate = held
    window.controller.cancel()
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    window.case.update(sample_id="S-KILL-1")
    return Path(window.controller.extent.inputs[0])


@pytest.fixture
def cancelled(held, qtbot):  # noqa: F811
    """The gated folder of 140 real cells, and a window whose case S-KILL-1 of it, cancelled
    at the gate, was kept and is reopened from the register."""
    folder, window = cancel(held, qtbot), held[0]
    return folder, reopen(window, qtbot, len(window.batch))


def add_new_cells(folder: Path, cell_test_dir: Path) -> None:
    """Two real cells not among the folder's, added to it."""
    for path in sorted((cell_test_dir / "parasitized").glob("*.png"))[:2]:
        shutil.copy(path, folder / f"new_{path.name}")


def rename_screened(folder: Path, window) -> None:
    """Two files the case holds cells of, renamed in place."""
    for result in window.batch.results[:2]:
        result.path.rename(folder / f"renamed_{result.path.name}")


@pytest.mark.parametrize("stand_in", [add_new_cells, lambda folder, cells: None],
                         ids=["cells added", "nothing added"])
def test_files_gone_since_the_cut_are_told_by_name_not_made_up_for(
        cancelled, qtbot, data_folder, cell_test_dir, stand_in):
    """Two of the unscreened files deleted and two new cells added to the folder: the rest
    screened, the case read complete, the two new files standing in for the two gone."""
    folder, window = cancelled
    deleted = unscreened(window, folder)[:2]
    for path in deleted:
        path.unlink()
    stand_in(folder, cell_test_dir)
    screen_rest(window, qtbot)
    stays_partial(window, qtbot, 2, data_folder)
    with Register(data_folder) as register:
        stored = register.load(window.batch.case.uid)
    assert stored.extent.unscreened == ((str(folder), tuple(path.name for path in deleted)),)


def test_a_screened_file_renamed_in_place_does_not_stand_in_for_a_file_gone(
        cancelled, qtbot, data_folder):
    """Two screened files renamed and two unscreened ones deleted: the renamed files were
    found as new, and made up for the two gone."""
    folder, window = cancelled
    for path in unscreened(window, folder)[:2]:
        path.unlink()
    rename_screened(folder, window)
    screen_rest(window, qtbot)
    stays_partial(window, qtbot, 2, data_folder)


def test_a_case_cut_short_records_its_files_not_screened_by_name(cancelled):
    """Reopened, a case cut short knew how many files it had not screened, not which."""
    folder, window = cancelled
    recorded = window.controller.extent.unscreened
    names = [path.name for path in unscreened(window, folder)]
    assert len(names) == CELLS - len(window.batch) and recorded == ((str(folder), tuple(names)),)


@pytest.mark.parametrize("moved", [2, CELLS], ids=["some", "all"])
def test_a_case_reopened_with_files_not_screened_gone_says_how_many_are_gone(
        held, qtbot, tmp_path, moved):  # noqa: F811
    """Reopened later, a case whose files not screened were moved out of its folder said
    only that they were not screened, as if screening its rest would find them."""
    window, folder = held[0], cancel(held, qtbot)
    files = unscreened(window, folder)
    for path in files[:moved]:
        shutil.move(path, tmp_path / path.name)
    window = reopen(window, qtbot, len(window.batch))
    window.central.show_case()
    gone = min(moved, len(files))
    said = (f"The {gone} image files" if gone == len(files) else
            f"{gone} of the {len(files)} image files")
    assert window.rest.why.isVisible() and window.rest.why.text().startswith(said)
    assert "not there any more" in window.rest.why.text()
    assert window.actions.screen_rest.isEnabled()  # their folder is there: others may be
