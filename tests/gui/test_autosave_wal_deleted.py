"""The register's WAL deleted while the window works (a sync tool, someone tidying the data
folder): the next autosave keeps what the deleted WAL held in the register file, and the
status bar says so."""

from __future__ import annotations

import shutil

from malariascope.core.classifier import PARASITIZED
from malariascope.core.register import FILE_NAME, Register
from tests.gui.saving_faults import WAIT_MS, writes_done


def test_reviews_saved_after_the_wal_was_deleted_outlive_a_crash(screened_window, qtbot,
                                                                 data_folder, tmp_path):
    """SQLite wrote them into the deleted WAL alone: the window opened empty after a crash,
    the slide's cells and reviews gone, and nothing said so."""
    window = screened_window
    for suffix in ("-wal", "-shm"):
        (data_folder / f"{FILE_NAME}{suffix}").unlink()
    for row in range(4):
        window.case.batch.set_review(row, PARASITIZED)
    window.autosave.save_now()
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)
    crashed = tmp_path / "crashed"  # the register file as a crash leaves it: no WAL
    crashed.mkdir()
    shutil.copy(data_folder / FILE_NAME, crashed / FILE_NAME)
    message = window.status.currentMessage()
    assert f"{FILE_NAME}-wal and {FILE_NAME}-shm beside" in message
    assert "every write in its WAL is now in the register file" in message
    with Register(crashed) as register:
        stored = register.load(window.case.case.uid)
    assert stored.case.facts.sample_id == "S-RACE" and len(stored.cells) == 6
    assert [review.row for review in stored.reviews] == [0, 1, 2, 3]
