"""Whether the window's batch looks unlike the cells its model learned from, measured once
each time the batch comes to rest, for the status bar, the case's limits, the signature and
the printed report alike (``core.adapt.unlike``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from malariascope.core.adapt.unlike import Unlikeness
    from malariascope.core.classifier import Classifier
    from malariascope.gui.batch import Batch

#: A moved threshold measures again after this pause, once per burst of slider steps.
SETTLE_MS = 200


class UnlikeWatch(QObject):
    """The :class:`Unlikeness` of ``batch`` under the card of the ``classifier()`` in use
    and the batch's call rule; None while cells are coming in (``busy()``), or without a card
    for the batch's model. Its owner calls :meth:`measure` when the batch comes to rest."""

    changed = Signal()

    def __init__(self, batch: Batch, classifier: Callable[[], Classifier | None],
                 busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.batch, self._classifier, self._busy = batch, classifier, busy
        self.unlikeness: Unlikeness | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.measure)
        batch.events.reset.connect(self._forget)
        batch.events.appended.connect(self._forget)
        batch.events.relabelled.connect(lambda *_: self._settle.start())
        batch.events.facts_changed.connect(self._settle.start)  # another model's card

    @property
    def limit(self) -> str:
        """The warning as a limit of the case's result ('' when the batch looks like the
        model's cells, or is not measured)."""
        return "" if self.unlikeness is None else self.unlikeness.limit

    def measure(self) -> None:
        """Measure the batch as it is now (not while it is being screened)."""
        from malariascope.core.adapt.unlike import unlike_cells

        if self._busy():
            return
        facts = self.batch.facts
        card = facts.card_of(self._classifier())  # a past case's model may be another
        if card is None or facts.rule is None:
            self._set(None)
        else:
            self._set(unlike_cells(self.batch.results, facts.rule, card))

    def _forget(self, *_: object) -> None:
        self._set(None)

    def _set(self, unlikeness: Unlikeness | None) -> None:
        if unlikeness != self.unlikeness:
            self.unlikeness = unlikeness
            self.changed.emit()
