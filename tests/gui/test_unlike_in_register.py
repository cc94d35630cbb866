"""An open case's cells that look unlike the model's are a limit of its result in the case
register too, as the window and its report say, not only once it is signed."""

from __future__ import annotations

from malariascope.core.register import Register
from malariascope.core.register.export import case_row
from tests.gui.helpers import close_window
from tests.gui.test_register_dialog import WAIT_MS
from tests.gui.test_status_bar import UNLIKE, needs_fields, screened_unlike


def listed(data_folder, sample_id: str) -> dict[str, str]:
    """The register's CSV row of the case of ``sample_id`` (empty when it has none)."""
    with Register(data_folder, view=True) as register:
        cases = [case for case in register.cases() if case.facts.sample_id == sample_id]
    return case_row(cases[0]) if cases else {}


@needs_fields
def test_an_open_case_unlike_the_models_cells_says_so_in_the_register(
        make_window, qtbot, data_folder, tmp_path):
    """The register's row of an open case left ``unlike_warning`` empty though the window
    and its report warned that its cells look unlike the model's: the warning was saved only
    at signing."""
    window = screened_unlike(make_window, qtbot, tmp_path, "S-OPEN")
    assert UNLIKE in window.case_panel.result.text()
    qtbot.waitUntil(lambda: listed(data_folder, "S-OPEN").get("unlike_warning", "")
                    .startswith(UNLIKE), timeout=WAIT_MS)
    assert listed(data_folder, "S-OPEN")["status"] == "open"
    close_window(window, qtbot)
