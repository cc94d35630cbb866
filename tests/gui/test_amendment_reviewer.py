"""Who a review made in an amendment is recorded for, in the real window with real cells: the
one who amended, in the cell CSV and in the register, beside the amendment the PDF names."""

from __future__ import annotations

import shutil
from pathlib import Path

from malariascope.core.register import Register
from tests.gui.helpers import amend_case, screen_and_wait
from tests.gui.saving_faults import WAIT_MS, writes_done
from tests.reports import read_rows


def test_a_review_made_in_an_amendment_is_recorded_for_who_amended(
        window, qtbot, tmp_path: Path, real_cells, data_folder: Path):
    """Amended by Bo Chan, the call he changed was written "reviewed_by Ann Lee" (the
    microscopist, who had signed before): the CSV had Ann Lee change a call after her own
    signature, while the PDF named Bo Chan as the one who amended."""
    folder = tmp_path / "slide"
    folder.mkdir()
    for path in real_cells["parasitized"][:3] + real_cells["uninfected"][:3]:
        shutil.copy(path, folder / path.name)
    qtbot.keyClicks(window.case_panel.operator, "Ann Lee")
    qtbot.keyClicks(window.case_panel.sample_id, "S-AMEND")
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    assert batch.confirm(0)
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Ann Lee")
    assert amend_case(window, qtbot, "second reader", "Bo Chan")
    assert batch.set_review(1, "uninfected" if batch.call(1) == "parasitized"
                            else "parasitized")
    with qtbot.waitSignal(window.case_flow.saved, timeout=WAIT_MS):
        assert window.case_flow.sign("Bo Chan")
    qtbot.waitUntil(lambda: writes_done(window), timeout=WAIT_MS)

    with qtbot.waitSignal(window.controller.export_finished, timeout=WAIT_MS):
        window.export_to(tmp_path / "cells.csv")
    by_file = {Path(row["image_path"]).name: row for row in read_rows(tmp_path / "cells.csv")}
    reviewed = {row["review"]: row["reviewed_by"] for row in by_file.values() if row["review"]}
    assert reviewed == {"confirmed": "Ann Lee", "overridden": "Bo Chan"}
    with Register(data_folder) as register:
        stored = register.load(window.case.case.uid)
    assert [(d.row, d.reviewer) for d in stored.reviews] == [(0, "Ann Lee"), (1, "Bo Chan")]
