"""Loads in workers of which only the latest asked for delivers: the cell on show, its field,
the model chosen."""

from __future__ import annotations

from collections.abc import Callable

from malariascope.gui.workers import Worker, WorkerGroup


class LatestLoad:
    """Background loads for a view where only the latest request counts.

    The selection moves faster than images decode; a late result of an older request must not
    replace the newer one, so results of superseded loads are dropped.
    """

    def __init__(self, workers: WorkerGroup) -> None:
        self._workers = workers
        self._generation = 0

    def invalidate(self) -> None:
        """Drop the results of every load started so far."""
        self._generation += 1

    def start(self, func: Callable[..., object], arg: object,
              on_result: Callable[[object], None], on_error: Callable[[Exception], None]) -> None:
        """Run ``func(arg)`` in a worker, superseding earlier loads."""
        self.invalidate()
        generation = self._generation
        worker = Worker(func, arg)
        worker.returned.connect(lambda value: self._deliver(generation, on_result, value))
        worker.errored.connect(lambda exc: self._deliver(generation, on_error, exc))
        self._workers.start(worker)

    def _deliver(self, generation: int, callback: Callable, value: object) -> None:
        if generation == self._generation:
            callback(value)
