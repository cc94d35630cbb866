"""The window's title: the case on show, named by its slide id or else by what its cells were
opened from, and its state: whether it is signed, and what its screening left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from malariascope.core.names import source_name, with_sources
from malariascope.core.signing import amended_words

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from malariascope.core.case import Case


def title(slide_id: str, sources: Sequence[str], state: str = "",
          waiting: Iterable[tuple[Sequence[Path], bool, str]] = ()) -> str:
    """The window's title: the case named as a technician looks for it, by its ``slide_id``
    once it has one, else by its first three ``sources`` then the additions ``waiting`` to
    be screened (``ScreeningController.waiting``), and its ``state`` in brackets when that
    is worth seeing all along ("signed", "restored" after a crash, "partial" after a
    cancel: the status line saying so fades). An empty case with no state is plain
    "MalariaScope". ``[*]`` is where Qt marks unsaved reviews."""
    if slide_id:
        shown = f"case {slide_id}"
    else:
        names = with_sources(sources, (path for paths, _, _ in waiting for path in paths))
        shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    if not (state or shown):
        return "MalariaScope[*]"
    words = f"{shown} ({state})" if shown and state else shown or state
    return f"MalariaScope — {words}[*]"


class RowNames:
    """The names the rows of a case answer to, taken as rows are appended: each row's file
    name, and the names of the folders holding it, each folder's once (a batch of 20,000
    cells has a few): at a big batch's end nothing is left to look at."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self._folders: set[tuple[str, ...]] = set()  # by the parts a path holds: no string made

    def clear(self) -> None:
        self.names.clear()
        self._folders.clear()

    def add(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.names.add(path.name)
            folder = path.parts[:-1]
            if folder not in self._folders:
                self._folders.add(folder)
                self.names.update(map(source_name, path.parents))


def held_sources(sources: Sequence[str], rows: RowNames,
                 rest: Iterable[Path] = ()) -> tuple[str, ...]:
    """Those of ``sources`` that name one of the ``rows`` of a case or a folder holding one,
    or one of the inputs the case has still to screen, its ``rest``: a folder opened that
    added nothing (empty, or of no image files) is not what the case holds."""
    rest_names = set(map(source_name, rest))
    return tuple(source for source in sources
                 if source in rows.names or source in rest_names)


def case_words(case: Case, viewing: bool, taken: bool) -> str:
    """What the title says of the state of ``case``: signed (and "amended 2×", signed again
    after amendments), amending, or not signed when it came from the register (``viewing``
    it read-only, or ``taken`` to be finished here)."""
    from_register = viewing or taken
    words = []
    if case.signed is not None:
        words.append("signed")
        if case.amendments:  # as the register's list says it: the signature is not the first
            words.append(amended_words(len(case.amendments)))
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
    amendment or a fact typed changes it at once. While nothing is screened, it names only
    the sources that hold rows of the case (:func:`held_sources`); while a screening runs,
    every source, the one whose rows are still to come too."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self._screening: list[str] = []  # what the last screening left: restored, partial
        self._held: tuple[tuple, tuple[str, ...]] = ((), ())  # by case, sources, rows, rest
        self._rows = RowNames()  # of the batch's rows: they only grow until a new batch
        events = window.batch.events
        events.reset.connect(self._on_reset)
        events.appended.connect(self._on_appended)
        events.facts_changed.connect(self.refresh)

    def _on_reset(self) -> None:
        self._rows.clear()
        self.show("")

    def _on_appended(self, first: int, last: int) -> None:
        self._rows.add(result.path for result in self._window.batch.results[first:last + 1])

    def show(self, screening: str) -> None:
        """Say ``screening`` (what the last screening left) from now on, and the case."""
        self._screening = [words for words in screening.split(", ") if words]
        self.refresh()

    def refresh(self) -> None:
        window = self._window
        batch = window.batch
        if batch.case.signed is not None and "restored" in self._screening:
            self._screening.remove("restored")  # signed since: the record, not work brought back
        case = case_words(batch.case, window.past_case.shown is not None,
                          window.autosave.took(batch.case.uid))
        state = ", ".join(words for words in (case, *self._screening) if words)
        sources = batch.facts.sources if window.controller.screening else self._held_now()
        window.setWindowTitle(title(batch.facts.sample_id.strip(), sources, state,
                                    window.controller.waiting))

    def _held_now(self) -> tuple[str, ...]:
        """The sources holding rows of the case on show or still to screen, looked for again
        only once its rows or sources have changed: a fact typed leaves them as they were."""
        batch, rest = self._window.batch, self._window.controller.extent.rest
        key = (batch.case.uid, batch.facts.sources, len(batch.results), rest)
        if self._held[0] != key:
            self._held = key, held_sources(batch.facts.sources, self._rows, map(Path, rest))
        return self._held[1]
