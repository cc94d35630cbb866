"""A click on Screen the rest looks for the case's folders in a worker, as the looks at rest
and at the front do, the button off saying so till the answer comes: a folder on a dead
network drive must not freeze the window. The screening starts on that answer, for the case
clicked only, and a click while a look is stuck starts no other look but waits for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from malariascope.gui import case_rest
from malariascope.gui.case_rest import LOOKING
from tests.gui.conftest import SCREENED
from tests.gui.helpers import SCREEN_TIMEOUT_MS
from tests.gui.saving_faults import WAIT_MS
from tests.gui.test_keep_for_later import answer
from tests.gui.test_screen_rest import FILES, offered, reopened  # noqa: F401
from tests.gui.test_screen_rest_look import GATE_SECONDS, come_to_rest


class Gates:
    """Looks for the folders held at a gate each, once they have read the disk; a look on the
    UI thread is never held, so that a test of it fails at once rather than hangs."""

    def __init__(self) -> None:
        self.held: list[threading.Event] = []
        self.on_ui_thread = 0
        self._read_disk = case_rest.not_there

    def look(self, names: tuple[str, ...]) -> list[str]:
        gone = self._read_disk(names)
        if threading.current_thread() is threading.main_thread():
            self.on_ui_thread += 1
            return gone
        gate = threading.Event()
        self.held.append(gate)
        gate.wait(GATE_SECONDS)
        return gone


@pytest.fixture
def gates(monkeypatch) -> Iterator[Gates]:
    gates = Gates()
    monkeypatch.setattr(case_rest, "not_there", gates.look)
    yield gates
    for gate in gates.held:  # a test failed with a look held: its window closes at once
        gate.set()


def clicked(window) -> None:
    """Screen the rest was clicked: a look is out, the button off saying so, none screening."""
    window.central.show_case()
    assert offered(window)
    window.actions.screen_rest.trigger()
    assert window.rest.looking and window.rest.why.text() == LOOKING
    assert not window.actions.screen_rest.isEnabled() and not window.controller.screening


def test_a_click_looks_for_the_folders_in_a_worker_and_screens_on_its_answer(
        reopened, qtbot, gates):  # noqa: F811
    """A click looked for the case's folders on the UI thread: on a network drive gone dead
    the window froze for the drive's timeout before screening or saying they were gone."""
    _, window = reopened
    clicked(window)
    qtbot.waitUntil(lambda: len(gates.held) == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        gates.held[0].set()
    assert done.args == [FILES, True] and window.controller.complete
    assert gates.on_ui_thread == 0 and len(gates.held) == 1


def test_an_answer_after_the_case_was_left_screens_nothing(
        reopened, qtbot, gates):  # noqa: F811
    """The look answers once another case is on show: the click was for the case left."""
    _, window = reopened
    clicked(window)
    qtbot.waitUntil(lambda: len(gates.held) == 1, timeout=WAIT_MS)
    answer(window, "Keep for later")
    assert window.case_flow.new_case() and len(window.batch) == 0
    gates.held[0].set()
    qtbot.waitUntil(lambda: not window.rest.looking, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not len(window.controller.workers), timeout=WAIT_MS)
    assert not window.controller.screening and len(window.batch) == 0


def test_a_click_while_a_look_is_stuck_waits_for_it_and_one_look_more(
        reopened, qtbot, gates):  # noqa: F811
    """A look stuck on a dead drive (started as the case came to rest): the click starts no
    look beside it, but one after it, and screens on that one's answer."""
    _, window = reopened
    window.central.show_case()
    come_to_rest(window)
    qtbot.waitUntil(lambda: len(gates.held) == 1, timeout=WAIT_MS)
    assert window.screen_rest() and window.rest.looking
    assert len(gates.held) == 1 and len(window.batch) == SCREENED
    gates.held[0].set()
    qtbot.waitUntil(lambda: len(gates.held) == 2, timeout=WAIT_MS)
    assert not window.controller.screening
    with qtbot.waitSignal(window.controller.screening_finished, timeout=SCREEN_TIMEOUT_MS) as done:
        gates.held[1].set()
    assert done.args == [FILES, True] and gates.on_ui_thread == 0
