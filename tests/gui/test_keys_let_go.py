"""No test starts with a key held down by the test before it: QTest leaves the app taking
Shift for held after a Shift+Tab, and a row then selected in the register extended the
selection as Shift does. These two tests run in this order (file order)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
from malariascope.core.tally import Counts
from malariascope.gui.app import start
from tests.gui.helpers import MODEL_TIMEOUT_MS
from tests.gui.test_register_dialog import WAIT_MS, open_past, open_register, select

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_shift_tab_out_of_the_cell_list_leaves_shift_held_to_the_end_of_the_test(window, qtbot):
    """The keys a ``test_tab_keys`` test presses last; QTest leaves Shift taken for held."""
    window.lists.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)
    qtbot.keyClick(window.table, Qt.Key.Key_Backtab, SHIFT)
    assert QApplication.focusWidget() is not window.table
    assert QApplication.keyboardModifiers() == SHIFT  # what the next test must not inherit


def test_the_next_test_opens_a_case_of_the_register_with_no_key_held(
    make_window, qtbot, data_folder
):
    """Run after a test that ended on Shift+Tab, a case selected in the register was
    selected with those above it: Open did nothing, and the case never loaded (a wait of a
    minute, then a timeout, in ``test_cut_short_inputs``)."""
    with Register(data_folder) as register:
        for sample_id in ("S-1", "S-2", "S-3"):
            case = Case(CaseFacts(sample_id=sample_id))
            register.save(case, case.result(Counts(rows=1, uninfected=1)))
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    dialog = open_register(window, qtbot)
    select(dialog, "S-1")
    assert len(dialog.selected_uids()) == 1, f"held: {QApplication.keyboardModifiers()}"
    assert open_past(dialog, qtbot, "S-1").batch.facts.sample_id == "S-1"
