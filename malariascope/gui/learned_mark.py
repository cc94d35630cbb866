"""The status bar's mark of a batch holding images its model learned from in adaptation.

A call on such an image is not an independent check: the model has seen its cells' labels
(``core.adapt.learned``). The mark counts those images; its tooltip says so in words. It
follows the batch as it is screened, restored or cleared.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from malariascope.core.adapt.learned import learned_words, model_label
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
        batch = self.controller.batch
        count = batch.learned_images
        if count:
            card = batch.facts.card_of(self.controller.classifier)
            model = batch.facts.model if card is None else model_label(card)
            self.setText(f"⚠ {counted(count, 'image')} learned in adaptation")
            self.setToolTip(f"{learned_words(count, model)}.")
        self.setVisible(count > 0)
