"""The register's list says of the window's own case what its screening is now: screening
while it runs, partial only once it was cut short, nothing once it is whole."""

from __future__ import annotations

import pytest

from malariascope.gui.cases_table import COLUMNS
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_quit_during_screening import gated, held  # noqa: F401
from tests.gui.test_register_dialog import open_register


def status_shown(dialog, sample_id: str) -> str:
    """The Status cell of the case of ``sample_id`` as the register's list shows it."""
    shown = dialog.table.model()
    row = next(row for row in range(shown.rowCount()) if shown.index(row, 0).data() == sample_id)
    return shown.index(row, COLUMNS.index("Status")).data()


@pytest.fixture
def listing(held, qtbot):  # noqa: F811
    """The :func:`held` window, its case saved as the screening holds, and its register
    dialog listing it; and the screening's gate."""
    window, gate = held
    with qtbot.waitSignal(window.autosave.written, timeout=WAIT_MS):
        window.autosave.save_now()
    return window, open_register(window, qtbot), gate


def test_the_case_being_screened_is_listed_as_screening_not_partial(listing, qtbot):
    """The register listed the window's case as "open, partial" while the window was still
    screening it, which a technician reads as a screening cut short."""
    window, dialog, gate = listing
    assert status_shown(dialog, "S-HELD") == "open, screening"
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    assert window.controller.complete and status_shown(dialog, "S-HELD") == "open"
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
    assert status_shown(dialog, "S-HELD") == "open"


def test_a_screening_cut_short_is_listed_as_partial(listing, qtbot):
    window, dialog, gate = listing
    window.controller.cancel()
    gate.open()
    qtbot.waitUntil(lambda: not window.controller.screening, timeout=WAIT_MS)
    assert status_shown(dialog, "S-HELD") == "open, partial"
    qtbot.waitUntil(lambda: window.autosave.writes.idle, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()
    assert status_shown(dialog, "S-HELD") == "open, partial"
