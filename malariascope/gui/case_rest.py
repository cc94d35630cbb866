"""File > Screen the rest, its button on the Case tab, and the answer Restore and screen the
rest at start (one path: ``MainWindow.screen_rest``): the images of a partial case's
inputs that the case does not hold yet, screened after its cells, reviews kept, as when those
inputs are opened again (``ScreeningController.screen_rest``).

A case reopened from the register names the inputs its screening stopped short of (the
register's ``cases.inputs``), so they need not be found and opened again. The button shows
while the case on show is the window's own, unsigned, at rest and partial; it is off, a line
under it saying why, while the case names none of those inputs (saved before the register
kept them) or they are not where they were. Whether they are there is looked at as the case
comes to rest, and again as MalariaScope comes back to the front (a drive connected meanwhile),
not at every review, and as the button is clicked (they may have gone since), always in a
worker: a folder on a network share can be slow to answer. The button is off until the answer
comes; an answer for a rest that is not the case's any more, or overtaken by another look, is
dropped, and so is a click for a case no longer on show. The same look counts the image files
the case found but had not screened (``Extent.unscreened``) that are gone, and the line says
so while the button stays on: others may be there to screen.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from malariascope.core.names import source_name
from malariascope.core.words import counted
from malariascope.gui.text_colour import QUIET, colour_text
from malariascope.gui.workers import Worker

if TYPE_CHECKING:
    from malariascope.core.extent import Extent
    from malariascope.gui.controller import ScreeningController

UNNAMED = ("The rest cannot be screened from here: this case does not name the folders it "
           "was opened from. Open them again to screen it.")
LOOKING = "Looking for the folders…"


def action_button(action: QAction) -> QToolButton:
    """A button of the Case tab for ``action``, as wide as the tab."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


def not_there(names: tuple[str, ...]) -> list[str]:
    """The paths of ``names`` that are not there (it reads the disk: never on the UI thread)."""
    return [name for name in names if not os.path.exists(name)]  # an OSError: not there


def look_for(rest: tuple[str, ...], extent: Extent) -> tuple[list[str], int, int]:
    """The inputs of ``rest`` not there, and how many of the image files ``extent`` records
    as found but not screened are not there, of how many (in a worker: it reads the disk, and
    builds a path for each of those files, perhaps hundreds of thousands)."""
    files = tuple(map(str, extent.unscreened_paths()))
    gone = not_there(tuple(dict.fromkeys((*rest, *files))))
    folders = [name for name in gone if name in rest]
    return folders, len(gone) - len(folders), len(files)


def files_gone_words(gone: int, unscreened: int) -> str:
    """That ``gone`` of the ``unscreened`` image files found but not screened are not there
    any more, in a line ("" when none is gone)."""
    if not gone:
        return ""
    verb = "is" if gone == 1 else "are"
    of = f"The {counted(gone, 'image file')}" if gone == unscreened else (
        f"{gone:,} of the {counted(unscreened, 'image file')}")
    return (f"{of} found but not screened when the screening was stopped {verb} not there "
            "any more (moved, renamed or deleted): the case stays partial without them.")


def gone_words(gone: list[str]) -> str:
    """Why the rest of inputs ``gone`` (not there any more) cannot be screened, in a line."""
    verb = "is" if len(gone) == 1 else "are"
    return (f"The rest cannot be screened: {', '.join(gone)} {verb} not there any more "
            "(moved, renamed, or on a drive not connected).")


class CaseRest(QWidget):
    """The Case tab's button for ``action`` (File > Screen the rest), which screens the rest
    of the case of ``controller``, and the line that says why it is off."""

    def __init__(self, action: QAction, controller: ScreeningController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action, self.controller = action, controller
        self.why = QLabel()
        self.why.setWordWrap(True)
        colour_text(self.why, QUIET)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(action_button(action))
        layout.addWidget(self.why)
        #: the rest looked for, why it is off, and what it says of the files not screened
        self._looked: tuple[tuple[str, ...], str, str] | None = None
        self._looks = 0  # looks started; an answer to any but the last is dropped
        self._looking: tuple[str, ...] | None = None  # the rest a look is out for
        self._again = False  # come to the front while a look was out: look once more after
        self._open_case = False
        #: a click waiting for a look's answer: its case, its rest, and what to call then
        self._clicked: tuple[str, tuple[str, ...], Callable[[], object],
                             Callable[[str], object]] | None = None
        controller.idle.connect(self._look_again)  # the case came to rest
        QGuiApplication.instance().applicationStateChanged.connect(self._on_app_state)
        self.offer(False)

    @property
    def looking(self) -> bool:
        """True while a look for the folders of the rest is out, the button off till then."""
        return self._looking is not None

    def offer(self, open_case: bool) -> None:
        """Show the button while the case is ``open_case`` (the window's own, with cells,
        unsigned and at rest) and partial; on while its rest can be screened."""
        self._open_case = open_case
        offered = open_case and not self.controller.complete
        why = self.why_off() if offered else ""
        line = why or (self._files_gone() if offered else "")
        self.action.setEnabled(offered and not why)
        self.action.setToolTip(why or self._tip())
        self.why.setText(line)
        self.why.setVisible(bool(line))
        self.setVisible(offered)

    def why_off(self) -> str:
        """Why the rest of a partial case cannot be screened ("": it can, or the case is
        whole): its inputs cut short are not named, or some are not there, or
        :data:`LOOKING` while a look, started for a rest not looked at yet, is out."""
        rest = self.controller.extent.rest
        if not rest:
            return "" if self.controller.complete else UNNAMED
        if self._looked is not None and self._looked[0] == rest:
            return self._looked[1]
        if self._looking != rest:
            self._look(rest)
        return LOOKING

    def _files_gone(self) -> str:
        """What the last look for the case's rest found of its files not screened: how many
        are gone, while its folders are there ("": none, or not looked for yet)."""
        looked, rest = self._looked, self.controller.extent.rest
        return looked[2] if looked is not None and looked[0] == rest else ""

    def click(self, add: Callable[[], object], note: Callable[[str], object]) -> bool:
        """File > Screen the rest was clicked: look for the folders again (they may have gone
        since), in a worker as ever, the button off saying :data:`LOOKING` till the answer
        comes; then ``add`` the rest if they are there and the case is still the one clicked,
        open, partial and with the same rest, or ``note`` why not if they are gone. False,
        after ``note``, when refused at once: the case names no folders to look for."""
        rest = self.controller.extent.rest
        if not rest:
            if why := self.why_off():
                note(why)
            return False
        self._clicked = self.controller.batch.case.uid, rest, add, note
        if self.looking:  # one look at a time: a drive stuck on one must not pile them up
            self._again = True
        else:
            self._forget()
            self._look(rest)
        self.offer(self._open_case)
        return True

    def _look(self, rest: tuple[str, ...]) -> None:
        self._looks += 1
        self._looking, look = rest, self._looks
        worker = Worker(look_for, rest, self.controller.extent)
        worker.returned.connect(lambda answer: self._answer(look, rest, *answer))
        self.controller.workers.start(worker)

    def _answer(self, look: int, rest: tuple[str, ...], folders: list[str], gone: int,
                files: int) -> None:
        """Take the answer of ``look`` for ``rest``, its ``folders`` not there and ``gone``
        of the case's ``files`` found but not screened, unless a later look has overtaken it,
        and show it; an answer for a rest the case no longer has ends the look alone."""
        if look != self._looks:
            return
        self._looking = None
        if rest == self.controller.extent.rest:
            self._looked = (rest, gone_words(folders) if folders else "",
                            files_gone_words(gone, files))
        if self._again:  # a drive may have come back while it looked
            self._again = False
            self._forget()
        self.offer(self._open_case)
        self._answer_click()

    def _answer_click(self) -> None:
        """Add the rest clicked for, or say why not, once a look for it has answered; a click
        for a case not open any more, or whose rest has changed, is dropped."""
        if self._clicked is None or self.looking:
            return
        (case, rest, add, note), self._clicked = self._clicked, None
        if not self._open_case or self._looked is None or (case, rest) != (
                self.controller.batch.case.uid, self._looked[0]):
            return
        if why := self._looked[1]:
            note(why)
        else:
            add()

    def _tip(self) -> str:
        names = ", ".join(source_name(Path(name)) for name in self.controller.extent.rest)
        return (f"Screen the images of {names or 'the case'} not screened yet, after the "
                "case's cells; the reviews stay")

    def _forget(self) -> None:
        self._looked, self._looking = None, None
        self._looks += 1  # a look out now answers too early

    def _look_again(self) -> None:
        """Forget the answer, as the folders may have changed. While a look is out (a drive
        slow to answer) no other starts, so looks stuck on a dead drive never fill the
        workers' pool: that look's answer starts the next."""
        if self.looking:
            self._again = True
        else:
            self._forget()

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        """MalariaScope came to the front: inputs not there may be now (a drive connected)."""
        if state == Qt.ApplicationState.ApplicationActive and self.why.isVisibleTo(self):
            self._look_again()
            self.offer(self._open_case)
