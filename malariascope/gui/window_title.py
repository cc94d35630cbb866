"""The window's title: the case on show, named by what its cells were opened from, and its
state: where it came from, whether it is signed, and what its screening left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.names import source_name

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from malariascope.core.case import Case


def batch_title(sources: Sequence[str], state: str = "",
                waiting: Iterable[tuple[Sequence[Path], bool, str]] = ()) -> str:
    """The title naming a batch by its first three ``sources`` then the additions ``waiting``
    to be screened (``ScreeningController.waiting``), and its ``state`` when that is worth
    seeing all along: "restored" after a crash, "incomplete" after a cancel (the status line
    saying so fades). An empty case with no state is plain "MalariaScope". ``[*]`` is where
    Qt marks unsaved reviews."""
    later = (source_name(path) for paths, _, _ in waiting for path in paths)
    names = tuple(dict.fromkeys((*sources, *later)))
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    if not (state or shown):
        return "MalariaScope[*]"
    return f"MalariaScope — {f'{state}: ' if state else ''}{shown}[*]"


def case_words(case: Case, viewing: bool, taken: bool) -> str:
    """What the title says of ``case``: named when it came from the register (``viewing`` it
    read-only, or ``taken`` to be finished here), and signed, amending or not signed."""
    from_register = viewing or taken
    words = [f"case {case.name}"] if from_register else []
    if case.signed is not None:
        words.append("signed")
    elif case.amending:
        words.append("amending")
    elif from_register:
        words.append("not signed")
    if viewing:
        words.append("read-only" if case.signed is not None else "autosave off, read-only")
    return ", ".join(words)


class WindowTitle:
    """Keeps the title of ``window`` (MalariaScope's main window, whose batch, controller,
    past case view and autosave it reads) on the case on show: a new batch, a signature, an
    amendment or a fact typed changes it at once."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self._screening = ""  # what the last screening left: "restored", "incomplete", ""
        events = window.batch.events
        events.reset.connect(lambda: self.show(""))
        events.facts_changed.connect(self.refresh)

    def show(self, screening: str) -> None:
        """Say ``screening`` (what the last screening left) from now on, and the case."""
        self._screening = screening
        self.refresh()

    def refresh(self) -> None:
        window = self._window
        batch = window.batch
        case = case_words(batch.case, window.past_case.shown is not None,
                          window.autosave.took(batch.case.uid))
        state = ", ".join(words for words in (case, self._screening) if words)
        window.setWindowTitle(batch_title(batch.facts.sources, state, window.controller.waiting))
