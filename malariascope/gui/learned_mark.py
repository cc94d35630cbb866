"""The status bar's mark of a batch holding images its model learned from in adaptation.

A call on such an image is not an independent check: the model has seen its cells' labels
(``core.adapt.learned``). The mark counts those images; its tooltip says so in words. It
follows the batch as it is screened, restored or cleared.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from malariascope.core.adapt.learned import LEARNED_TEXT, learned_words, model_label
from malariascope.core.words import counted
from malariascope.gui.controller import ScreeningController
from malariascope.gui.text_colour import CAUTION, colour_text


class LearnedMark(QLabel):
    """Shown while the batch holds images its model learned from."""

    def __init__(self, controller: ScreeningController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        colour_text(self, CAUTION, "font-weight: bold")
        self.hide()
        controller.idle.connect(self.refresh)  # screened, restored, stopped or exported
        controller.batch.events.reset.connect(self.refresh)
        controller.batch.events.appended.connect(self.refresh)

    def refresh(self, *_: object) -> None:
        """Count the batch's learned images again, and show the mark when there are any."""
        count = self.controller.batch.learned_images
        if count:
            self.setText(f"⚠ {counted(count, 'image')} {LEARNED_TEXT}")
            self.setToolTip(f"{learned_warning(self.controller)}.")
        self.setVisible(count > 0)


def learned_warning(controller: ScreeningController) -> str:
    """The warning of the batch's images its model learned from ('' when none), the model
    named by its folder while it is loaded, else as the batch recorded it."""
    batch = controller.batch
    count = batch.learned_images
    if not count:
        return ""
    card = batch.facts.card_of(controller.classifier)
    return learned_words(count, batch.facts.model if card is None else model_label(card))
