"""File > Screen the rest, and its button on the Case tab: the images of a partial case's
inputs that the case does not hold yet, screened after its cells, reviews kept, as when those
inputs are opened again (``ScreeningController.screen_rest``).

A case reopened from the register names the inputs its screening stopped short of (the
register's ``cases.inputs``), so they need not be found and opened again. The button shows
while the case on show is the window's own, unsigned, at rest and partial; it is off, a line
under it saying why, while the case names none of those inputs (saved before the register
kept them) or they are not where they were. Whether they are there is looked at as the case
comes to rest, and again as MalariaScope comes back to the front (a drive connected meanwhile),
not at every review: a folder on a network share can be slow to answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from malariascope.core.names import source_name
from malariascope.gui.case_result import QUIET

if TYPE_CHECKING:
    from malariascope.gui.controller import ScreeningController

UNNAMED = ("The rest cannot be screened from here: this case does not name the folders it "
           "was opened from. Open them again to screen it.")


def action_button(action: QAction) -> QToolButton:
    """A button of the Case tab for ``action``, as wide as the tab."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


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
        self.why.setStyleSheet(f"color: {QUIET}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(action_button(action))
        layout.addWidget(self.why)
        self._looked: tuple[tuple[str, ...], str] | None = None  # the rest, and why it is off
        self._open_case = False
        controller.idle.connect(self._forget)  # the case came to rest: look again
        QGuiApplication.instance().applicationStateChanged.connect(self._on_app_state)
        self.offer(False)

    def offer(self, open_case: bool) -> None:
        """Show the button while the case is ``open_case`` (the window's own, with cells,
        unsigned and at rest) and partial; on while its rest can be screened."""
        self._open_case = open_case
        offered = open_case and not self.controller.complete
        why = self.why_off() if offered else ""
        self.action.setEnabled(offered and not why)
        self.action.setToolTip(why or self._tip())
        self.why.setText(why)
        self.why.setVisible(bool(why))
        self.setVisible(offered)

    def why_off(self, look_again: bool = False) -> str:
        """Why the rest of a partial case cannot be screened ("": it can, or the case is
        whole): its inputs cut short are not named, or some are not there; looked at again
        when ``look_again``, or when the rest is not the one looked at last."""
        rest = self.controller.extent.rest
        if look_again or self._looked is None or self._looked[0] != rest:
            gone = [name for name in rest if not Path(name).exists()]
            unnamed = not (rest or self.controller.complete)
            self._looked = rest, gone_words(gone) if gone else UNNAMED if unnamed else ""
        return self._looked[1]

    def _tip(self) -> str:
        names = ", ".join(source_name(Path(name)) for name in self.controller.extent.rest)
        return (f"Screen the images of {names or 'the case'} not screened yet, after the "
                "case's cells; the reviews stay")

    def _forget(self) -> None:
        self._looked = None

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        """MalariaScope came to the front: inputs not there may be now (a drive connected)."""
        if state == Qt.ApplicationState.ApplicationActive and self.why.isVisibleTo(self):
            self._forget()
            self.offer(self._open_case)
