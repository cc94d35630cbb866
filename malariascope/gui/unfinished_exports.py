"""At start, the exports a killed window left unfinished: told in a box, and the temporary
and lock files each left beside its target removed (``core.unfinished``, in a worker: a
target's folder on a network mount that hangs never holds up the window)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope.core.unfinished import Unfinished, clear_unfinished
from malariascope.gui import dialogs
from malariascope.gui.workers import Worker, WorkerGroup, while_alive

TITLE = "Export not finished"


def tell_unfinished(window: QWidget, workers: WorkerGroup) -> Worker:
    """Look for exports left unfinished, clear what they left, and say so over ``window``
    (once: the record of each is removed); the worker that looks."""
    worker = Worker(clear_unfinished)
    worker.returned.connect(while_alive(window, lambda found: _tell(window, found)))
    return workers.start(worker)


def _tell(window: QWidget, found: list[Unfinished]) -> None:
    if found:
        dialogs.message(window, QMessageBox.Icon.Warning,
                        TITLE if len(found) == 1 else "Exports not finished",
                        "\n\n".join(unfinished.words() for unfinished in found))
