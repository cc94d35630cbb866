"""Whether the window's batch looks unlike the cells its model learned from
(``core.adapt.unlike``), measured once for the status bar, the case's result and its limits,
the signature and the printed report alike.

The measure needs the whole batch: it is taken when the batch comes to rest (its owner calls
:meth:`UnlikeWatch.measure`), a moment after the threshold or the model changes, and at once
when asked for while out of date, so a report ordered right after a change says what the
window will show.
"""

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
    for the batch's model."""

    changed = Signal()

    def __init__(self, batch: Batch, classifier: Callable[[], Classifier | None],
                 busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.batch, self._classifier, self._busy = batch, classifier, busy
        self._unlikeness: Unlikeness | None = None
        self._stale = True  # the batch, its rule or its model changed since the last measure
        self._model: tuple[str, str] | None = None  # the batch's model when last measured
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.measure)
        batch.events.reset.connect(self._forget)
        batch.events.appended.connect(self._forget)
        batch.events.relabelled.connect(self.outdated)
        batch.events.facts_changed.connect(self._on_facts)

    def current(self) -> Unlikeness | None:
        """The measure of the batch as it is now (measured first if out of date)."""
        if self._stale:
            self.measure()
        return self._unlikeness

    @property
    def limit(self) -> str:
        """The warning as a limit of the case's result ('' when the batch looks like the
        model's cells, or cannot be measured)."""
        unlikeness = self.current()
        return "" if unlikeness is None else unlikeness.limit

    @property
    def known_limit(self) -> str:
        """:attr:`limit` as last measured, without measuring ('' before a measure): what a
        save of the case keeps, saved again when it changes."""
        return "" if self._unlikeness is None else self._unlikeness.limit

    def measure(self) -> None:
        """Measure the batch as it is now (not while it is being screened)."""
        from malariascope.core.adapt.unlike import unlike_cells

        if self._busy():
            return
        self._settle.stop()
        facts = self.batch.facts
        card = facts.card_of(self._classifier())  # a past case's model may be another
        self._stale, self._model = False, (facts.model, facts.model_sha256)
        if card is None or facts.rule is None:
            self._set(None)
        else:
            self._set(unlike_cells(self.batch.results, facts.rule, card))

    def _on_facts(self) -> None:
        """Another model's card measures another way; a slide id typed changes nothing."""
        if (self.batch.facts.model, self.batch.facts.model_sha256) != self._model:
            self.outdated()

    def outdated(self, *_: object) -> None:
        """Measure again shortly (the rule, the model or its card changed)."""
        self._stale = True
        self._settle.start()

    def _forget(self, *_: object) -> None:
        self._stale = True
        self._set(None)

    def _set(self, unlikeness: Unlikeness | None) -> None:
        if unlikeness != self._unlikeness:
            self._unlikeness = unlikeness
            self.changed.emit()
