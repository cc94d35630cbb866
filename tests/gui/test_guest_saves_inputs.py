"""A window whose autosave is off (another window keeps its work in the data folder) saves a
case it signs with what the case was opened from: reopened from the register, a partial case
names the inputs it did not screen, and can screen them."""

from __future__ import annotations

from malariascope.core.register import CaseQuery, Register
from malariascope.gui.app import start
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_autosave_back import off_at_start
from tests.images import make_cell_folder


def test_a_partial_case_signed_by_a_second_window_keeps_its_inputs_in_the_register(
        make_window, qtbot, tmp_path, data_folder):
    """Sign's own save (autosave off) gave the register no inputs: the case, reopened, was
    cut short at "(inputs not known)", and nothing could screen the folder never reached."""
    first = make_window(start=False)
    start(first)
    qtbot.waitUntil(lambda: first.autosave.register is not None, timeout=WAIT_MS)
    second = off_at_start(make_window, qtbot)
    begun, waiting = (make_cell_folder(tmp_path / name, cells)[0].parent
                      for name, cells in (("begun", 300), ("waiting", 3)))
    assert second.open_paths([begun]) and second.open_paths([waiting])
    qtbot.waitUntil(lambda: len(second.batch) > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(second.controller.screening_finished, timeout=WAIT_MS) as stopped:
        second.controller.cancel()
    assert stopped.args[1] is False  # partial: "waiting" was never screened
    qtbot.keyClicks(second.case_panel.sample_id, "S-GUEST")
    with qtbot.waitSignal(second.case_flow.saved, timeout=WAIT_MS):
        assert second.case_flow.sign("Ann")
    with Register(data_folder, view=True) as register:
        (summary,) = register.cases(CaseQuery(sample="S-GUEST"))
        stored = register.load(summary.uid)
    assert (summary.status, summary.screening_complete) == ("signed", False)
    assert stored.inputs is not None
    assert stored.inputs.inputs == (str(begun), str(waiting))
    assert str(waiting) in stored.extent.as_saved(False).rest
