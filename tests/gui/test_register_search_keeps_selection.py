"""The register dialog listing anew as a search lands keeps the case selected: shown again,
it lists its last cases until its search answers, and a case clicked meanwhile is the case
Open opens once the answer is listed."""

from __future__ import annotations

import pytest

from malariascope.core.case import Case
from malariascope.core.register import Register
from tests.core.test_register_scale import add_cases
from tests.gui.test_register_dialog import WAIT_MS
from tests.gui.test_register_table import _register_of_started_window


@pytest.fixture
def few(data_folder) -> list[Case]:
    with Register(data_folder) as register:
        return add_cases(register, 6)


def test_a_case_clicked_before_the_search_lands_stays_selected_to_open(make_window, qtbot,
                                                                       few):
    """Selected in the list shown again, a case lost its selection when the search the
    dialog asks as it is shown landed: Open then opened nothing, and said nothing."""
    _, dialog = _register_of_started_window(make_window, qtbot)
    rows = [case.uid for case in dialog.model.cases]
    wanted = few[2].uid
    dialog.table.selectRow(rows.index(wanted))
    assert dialog.selected_uids() == (wanted,)
    with qtbot.waitSignal(dialog.listed, timeout=WAIT_MS):
        dialog.search()  # as showing the dialog again asks
    assert dialog.selected_uids() == (wanted,)
    assert dialog.open_button.isEnabled()
    with qtbot.waitSignal(dialog.case_loaded, timeout=WAIT_MS) as loaded:
        dialog.open_selected()
    assert loaded.args[0].stored.case.uid == wanted
