"""Where the whole-field pane sits: under the cell list while the slide has a whole field, so
the list and the gallery keep their size as the selection moves between the cells of a field
and single-cell images (the pane then says there is no field to show)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController
from malariascope.gui.field_view import FieldView


class FieldPlace(QObject):
    """Shows ``box``, the pane holding ``view``, once the slide of ``batch`` has a whole field
    and has come to rest or a cell of a field is selected, and hides it when the slide holds
    no field any more (a new case). A field arriving mid-screening takes no room from the list
    the technician is reading; the pane comes as the screening ends."""

    def __init__(self, box: QWidget, view: FieldView, batch: Batch,
                 controller: ScreeningController) -> None:
        super().__init__(box)
        self._box, self._view, self._batch, self._controller = box, view, batch, controller
        batch.events.reset.connect(self._follow)
        controller.idle.connect(self._follow)  # screened, stopped, restored or opened
        view.field_changed.connect(self._follow)

    def _follow(self, *_: object) -> None:
        if not self._batch.has_fields:
            self._box.hide()
        elif self._view.field() is not None or not self._controller.screening:
            self._box.show()
